namespace Relocation.Domain.Fund;

/// <summary>
/// The chart of accounts. Every amount is EUR minor units, debit positive and credit negative, so each posting's
/// entries sum to zero and an account's balance is the plain sum of its entries.
/// <list type="table">
/// <item><term>Cash[:earmark]</term><description>Asset: money held; unearmarked money on <c>Cash</c>, earmarked on <c>Cash:{earmark}</c>.</description></item>
/// <item><term>Receivable:{donor}</term><description>Asset: pledged by a State and not yet received.</description></item>
/// <item><term>Contributions:{donor}</term><description>Net assets (credit): what a State gave or promised.</description></item>
/// <item><term>Committed:{relocation}</term><description>Credit: money set aside for a relocation and not yet paid or released.</description></item>
/// <item><term>Encumbrance</term><description>Debit counterpart of every commitment (the memo pair of encumbrance accounting).</description></item>
/// <item><term>Disbursed:{relocation}</term><description>Expense: money paid out for a relocation.</description></item>
/// <item><term>ExchangeGainLoss:{donor}</term><description>Realised exchange difference when a pledge in another currency is
/// settled: credit a gain (the receipts were worth more EUR than the pledge was booked at), debit a loss.</description></item>
/// <item><term>WrittenOff:{donor}</term><description>Expense: the booked EUR of a pledge's outstanding part that will not be paid.</description></item>
/// </list>
/// Pledge: Dr Receivable / Cr Contributions. Receipt: Dr Cash / Cr Receivable (against a pledge) or Cr Contributions.
/// Commitment: Dr Encumbrance / Cr Committed. Release: the reverse. Disbursement: Dr Committed / Cr Encumbrance and
/// Dr Disbursed / Cr Cash. Correction: the original's entries negated. Hence cash = Σ Cash*, committed = −Σ Committed*,
/// pledged outstanding = Σ Receivable*, available = cash − committed.
/// </summary>
public static class FundAccounts
{
    public const string Cash = "Cash";
    public const string Encumbrance = "Encumbrance";

    public static string CashFor(string earmark) => earmark.Length == 0 ? Cash : $"{Cash}:{earmark}";

    public static string Receivable(string donor) => $"Receivable:{donor}";

    public static string Contributions(string donor) => $"Contributions:{donor}";

    public static string Committed(string relocationId) => $"Committed:{relocationId}";

    public static string Disbursed(string relocationId) => $"Disbursed:{relocationId}";

    public static string ExchangeGainLoss(string donor) => $"ExchangeGainLoss:{donor}";

    public static string WrittenOff(string donor) => $"WrittenOff:{donor}";

    /// <summary>Expense: programme support cost charged on disbursements (when configured), paid from unearmarked cash.</summary>
    public const string ProgrammeSupportCost = "ProgrammeSupportCost";

    /// <summary>Unrealised exchange difference on outstanding pledges revalued at month end (credit a gain).</summary>
    public static string UnrealisedExchange(string donor) => $"UnrealisedExchange:{donor}";

    /// <summary>The earmark of a cash account ("" for unearmarked), or null when it is not a cash account.</summary>
    public static string? EarmarkOf(string account) =>
        account == Cash ? string.Empty : account.StartsWith(Cash + ":", StringComparison.Ordinal) ? account[(Cash.Length + 1)..] : null;
}
