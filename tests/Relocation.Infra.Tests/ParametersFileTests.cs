using System.Text.Json.Nodes;

namespace Relocation.Infra.Tests;

[Collection(CompiledTemplateGroup.Name)]
public sealed class ParametersFileTests(CompiledTemplateFixture fixture)
{
    [Fact]
    public void MainParameters_AgainstTemplate_EveryRequiredParameterMappedAndNoUnknownOnes()
    {
        // Arrange: azd fills main.parameters.json from its environment; a typo there is silently ignored by nobody but ARM.
        var file = JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("infra", "main.parameters.json")))!["parameters"]!.AsObject();
        var declared = fixture.Template().Root["parameters"]!.AsObject();

        // Act
        var unknown = file.Select(p => p.Key).Where(name => !declared.ContainsKey(name)).ToList();
        var unmapped = declared.Where(p => p.Value?["defaultValue"] is null && !file.ContainsKey(p.Key)).Select(p => p.Key).ToList();

        // Assert
        Assert.Empty(unknown);
        Assert.Empty(unmapped);
        Assert.Equal("${AZURE_ENV_NAME}", (string?)file["environmentName"]?["value"]);
    }
}
