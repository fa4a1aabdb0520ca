namespace Relocation.Infra.Tests;

[Collection(CompiledTemplateGroup.Name)]
public sealed class BicepCliTests(CompiledTemplateFixture fixture)
{
    [Fact]
    public void Build_MainTemplate_SucceedsWithoutDiagnostics()
    {
        // Arrange: compiled once by the fixture.
        var build = fixture.Build;

        // Act
        var diagnostics = build.Diagnostics;

        // Assert: wrong property types are only warnings in bicep build, so warnings count too.
        Assert.True(build.ExitCode == 0, $"bicep build exited {build.ExitCode}:\n{build.StandardError}");
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Lint_MainTemplate_NoErrorsOrWarnings()
    {
        // Arrange
        var lint = fixture.Lint;

        // Act
        var diagnostics = lint.Diagnostics;

        // Assert
        Assert.True(lint.ExitCode == 0, $"bicep lint exited {lint.ExitCode}:\n{lint.StandardError}{lint.StandardOutput}");
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Build_SyntaxError_ReportsError()
    {
        // Arrange: proves the CLI really runs and that the diagnostics parser sees errors.
        var broken = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.bicep");
        File.WriteAllText(broken, "param location string =\nresource x 'Microsoft.Storage/storageAccounts@2024-01-01' = {\n");

        try
        {
            // Act
            var result = BicepCli.FromRestoredPackage().Run("build", broken, "--stdout");

            // Assert
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains(result.Diagnostics, d => d.Contains(" : Error ", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Fact]
    public void Lint_UnusedParameter_ReportsWarning()
    {
        // Arrange: proves the zero-warnings assertion above is not vacuous.
        var noisy = Path.Combine(Path.GetTempPath(), $"noisy-{Guid.NewGuid():N}.bicep");
        File.WriteAllText(noisy, "param unused string\n");

        try
        {
            // Act
            var result = BicepCli.FromRestoredPackage().Run("lint", noisy);

            // Assert
            Assert.Contains(result.Diagnostics, d => d.Contains(" : Warning no-unused-params", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(noisy);
        }
    }
}
