namespace Relocation.Infra.Tests;

/// <summary>Builds and lints infra/main.bicep once for all tests (each bicep run takes ~1.5 s).</summary>
public sealed class CompiledTemplateFixture
{
    public CompiledTemplateFixture()
    {
        var bicep = BicepCli.FromRestoredPackage();
        MainBicepPath = RepositoryRoot.Combine("infra", "main.bicep");
        Build = bicep.Run("build", MainBicepPath, "--stdout");
        Lint = bicep.Run("lint", MainBicepPath);
        TemplateJson = Build.ExitCode == 0 ? Build.StandardOutput : string.Empty;
    }

    internal string MainBicepPath { get; }

    internal BicepResult Build { get; }

    internal BicepResult Lint { get; }

    internal string TemplateJson { get; }

    /// <summary>A fresh, mutable copy each time, so tampering in one test cannot leak into another.</summary>
    internal ArmTemplate Template()
    {
        Assert.False(string.IsNullOrEmpty(TemplateJson), $"bicep build failed:\n{Build.StandardError}");
        return ArmTemplate.Parse(TemplateJson);
    }
}

[CollectionDefinition(Name)]
public sealed class CompiledTemplateGroup : ICollectionFixture<CompiledTemplateFixture>
{
    public const string Name = "compiled main.bicep";
}
