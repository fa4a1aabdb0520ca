namespace Relocation.Domain.Security;

/// <summary>The app roles of the product contract, exactly as they appear in the token's <c>roles</c> claim.</summary>
public static class Roles
{
    public const string RegistryAdmin = "Registry.Admin";
    public const string VwuOfficer = "Vwu.Officer";
    public const string StateFocalPoint = "State.FocalPoint";
    public const string FinanceOfficer = "Finance.Officer";
    public const string Auditor = "Auditor";

    public static readonly IReadOnlyList<string> All = [RegistryAdmin, VwuOfficer, StateFocalPoint, FinanceOfficer, Auditor];
}
