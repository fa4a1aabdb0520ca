using System.Text.RegularExpressions;

namespace Relocation.Contract.Tests;

/// <summary>The generated document checked by the two tools an integrator would run first.</summary>
public sealed partial class DocumentToolsTests
{
    [Fact]
    public async Task RedoclyLint_GeneratedDocument_NoErrors()
    {
        await ContractTools.EnsureInstalledAsync();
        var document = await ContractTools.WriteDocumentAsync();

        var (exitCode, output) = await ContractTools.RunAsync("node", Path.Combine("node_modules", "@redocly", "cli", "bin", "cli.js"), "lint", document, "--format=summary");

        // Redocly exits 1 on any error; warnings are listed but pass.
        Assert.True(exitCode == 0, $"redocly lint failed:\n{output}");
        Assert.DoesNotMatch(ErrorCount(), output);
        File.Delete(document);
    }

    [Fact]
    public async Task SwaggerParser_GeneratedDocument_Validates()
    {
        await ContractTools.EnsureInstalledAsync();
        var document = await ContractTools.WriteDocumentAsync();

        var (exitCode, output) = await ContractTools.RunAsync("node", "validate.mjs", document);

        Assert.True(exitCode == 0, $"swagger-parser: {output}");
        Assert.StartsWith("valid: OpenAPI 3.1.0", output, StringComparison.Ordinal);
        File.Delete(document);
    }

    [GeneratedRegex(@"[1-9][0-9]* errors?\b")]
    private static partial Regex ErrorCount();
}
