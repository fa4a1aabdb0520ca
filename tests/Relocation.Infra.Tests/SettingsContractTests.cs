namespace Relocation.Infra.Tests;

public sealed class SettingsContractTests
{
    private static readonly string[] AzureSettings =
    [
        "AzureWebJobsStorage__accountName", "DataStorage__tableServiceUri", "Auth__Mode", "Fund__MonthlyReportSchedule",
    ];

    [Fact]
    public void MissingCounterparts_NewPlainSettingWithoutAzureValue_Reported()
    {
        // Arrange: a later feature adds a setting locally and forgets infra.
        var local = new Dictionary<string, string>(StringComparer.Ordinal) { ["Workflows__OfferRoundSize"] = "3" };

        // Act
        var missing = SettingsContract.MissingCounterparts(local, AzureSettings);

        // Assert
        Assert.Contains(missing, m => m.StartsWith("Workflows__OfferRoundSize", StringComparison.Ordinal));
    }

    [Fact]
    public void MissingCounterparts_PlainSettingWithSameName_Satisfied()
    {
        // Arrange
        var local = new Dictionary<string, string>(StringComparer.Ordinal) { ["Fund__MonthlyReportSchedule"] = "0 0 6 1 * *" };

        // Act
        var missing = SettingsContract.MissingCounterparts(local, AzureSettings);

        // Assert
        Assert.Empty(missing);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage")]
    [InlineData("DataStorage")]
    public void MissingCounterparts_ConnectionWithAccountNameOrServiceUri_Satisfied(string name)
    {
        // Arrange
        var local = new Dictionary<string, string>(StringComparer.Ordinal) { [name] = "UseDevelopmentStorage=true" };

        // Act
        var missing = SettingsContract.MissingCounterparts(local, AzureSettings);

        // Assert
        Assert.Empty(missing);
    }

    [Fact]
    public void MissingCounterparts_ConnectionWithoutIdentitySettings_Reported()
    {
        // Arrange: a same-named Azure setting would be a connection string, which is what we forbid.
        var local = new Dictionary<string, string>(StringComparer.Ordinal) { ["ReportStorage"] = "UseDevelopmentStorage=true" };

        // Act
        var missing = SettingsContract.MissingCounterparts(local, ["ReportStorage"]);

        // Assert
        Assert.Contains(missing, m => m.StartsWith("ReportStorage (connection)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("Auth__DevelopmentSigningKey")]
    [InlineData("CaseFiles__ActiveKeyId")]
    [InlineData("CaseFiles__Keys__local-1")]
    public void MissingCounterparts_LocalOnlySetting_Ignored(string name)
    {
        // Arrange
        var local = new Dictionary<string, string>(StringComparer.Ordinal) { [name] = "x" };

        // Act
        var missing = SettingsContract.MissingCounterparts(local, AzureSettings);

        // Assert
        Assert.Empty(missing);
    }
}
