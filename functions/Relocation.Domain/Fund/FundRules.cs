using System.Globalization;
using Relocation.Domain.Common;

namespace Relocation.Domain.Fund;

/// <summary>
/// Decides a posting against the fund's position and the documents it refers to, enforcing every invariant where
/// the posting is written: available never below zero (with earmarks respected), a receipt never beyond its pledge,
/// a release or disbursement never beyond its commitment. The same rules serve the in-memory book and the table ledger.
/// </summary>
public static class FundRules
{
    /// <summary>The documents <see cref="Decide"/> may ask for, given the command's target (read first).</summary>
    public static IEnumerable<string> SecondaryDocuments(FundDocument? target) =>
        target is { Kind: PostingKind.Receipt, PledgeId: { } pledge } ? [pledge]
        : target is { Kind: PostingKind.Revaluation } ? target.Revaluations.Select(r => r.PledgeId)
        : [];

    /// <summary>The documents a command names besides its target (the pledges of a revaluation).</summary>
    public static IEnumerable<string> NamedDocuments(FundCommand command) => command?.Revaluations.Select(r => r.PledgeId) ?? [];

    public static Posting Decide(FundCommand command, string id, long sequence, DateTimeOffset recordedAt, FundPosition position, Func<string, FundDocument?> documents)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(position);
        ArgumentNullException.ThrowIfNull(documents);
        var posting = new Posting(id, sequence, command.Kind, command.Date, recordedAt, command.EurMinor, [], command.ContentHash())
        {
            DonorStateCode = command.DonorStateCode,
            TargetId = command.TargetId,
            Amount = command.Amount,
            Earmark = command.Earmark,
            RelocationId = command.RelocationId,
            Payee = command.Payee,
            Reference = command.Reference,
            DueDate = command.DueDate,
            Reason = command.Reason,
        };
        var eur = command.EurMinor;
        switch (command.Kind)
        {
            case PostingKind.Pledge:
                return posting with { Entries = [new(FundAccounts.Receivable(command.DonorStateCode!), eur), new(FundAccounts.Contributions(command.DonorStateCode!), -eur)] };

            case PostingKind.Receipt:
                return Receipt(command, posting, documents);

            case PostingKind.Commitment:
            {
                NotBefore(command.Date, position.LatestDate, "the latest posting");
                var free = position.AvailableFor(command.Earmark);
                if (eur > free)
                {
                    throw new ConflictException($"Only {Eur(free)} EUR is available for this commitment; {Eur(eur)} EUR asked.");
                }

                return posting with { Entries = [new(FundAccounts.Encumbrance, eur), new(FundAccounts.Committed(command.RelocationId!), -eur)] };
            }

            case PostingKind.Release:
            {
                var commitment = Commitment(documents(command.TargetId!), command.TargetId!, inRoute: true);
                NotBefore(command.Date, commitment.Date, "the commitment");
                if (eur > commitment.Remaining)
                {
                    throw new ConflictException($"Only {Eur(commitment.Remaining)} EUR of this commitment remains; {Eur(eur)} EUR cannot be released.");
                }

                return posting with
                {
                    RelocationId = commitment.RelocationId,
                    Earmark = commitment.Earmark,
                    Entries = [new(FundAccounts.Committed(commitment.RelocationId!), eur), new(FundAccounts.Encumbrance, -eur)],
                };
            }

            case PostingKind.Disbursement:
            {
                var commitment = Commitment(documents(command.TargetId!), command.TargetId!, inRoute: false);
                NotBefore(command.Date, commitment.Date, "the commitment");
                if (eur > commitment.Remaining)
                {
                    throw new ConflictException($"Only {Eur(commitment.Remaining)} EUR of this commitment remains; {Eur(eur)} EUR cannot be disbursed.");
                }

                // Money earmarked for the commitment's purpose pays first, unearmarked money the rest (see FundPosition.CommitmentsFit).
                var earmarked = commitment.Earmark.Length == 0 ? 0 : Math.Min(eur, Math.Max(0, position.CashByEarmark.GetValueOrDefault(commitment.Earmark)));
                var entries = new List<LedgerEntry>
                {
                    new(FundAccounts.Committed(commitment.RelocationId!), eur),
                    new(FundAccounts.Encumbrance, -eur),
                    new(FundAccounts.Disbursed(commitment.RelocationId!), eur),
                };
                if (earmarked > 0)
                {
                    entries.Add(new(FundAccounts.CashFor(commitment.Earmark), -earmarked));
                }

                if (eur - earmarked > 0)
                {
                    entries.Add(new(FundAccounts.Cash, -(eur - earmarked)));
                }

                var paid = posting with { RelocationId = commitment.RelocationId, Earmark = commitment.Earmark, Entries = entries, SupportCostMinor = command.SupportCostMinor };
                if (command.SupportCostMinor <= 0)
                {
                    return paid;
                }

                // The support cost is paid from unearmarked money not committed to anything: never from a donor's earmark.
                var after = position.Copy();
                after.Apply(paid);
                if (after.AvailableFor(string.Empty) < command.SupportCostMinor)
                {
                    throw new ConflictException($"Only {Eur(after.AvailableFor(string.Empty))} EUR of unearmarked money is free for the programme support cost of {Eur(command.SupportCostMinor)} EUR.");
                }

                return paid with { Entries = [.. entries, new(FundAccounts.ProgrammeSupportCost, command.SupportCostMinor), new(FundAccounts.Cash, -command.SupportCostMinor)] };
            }

            case PostingKind.Correction:
                return Correction(command, posting, position, documents);

            case PostingKind.WriteOff:
                return WriteOff(command, posting, documents);

            case PostingKind.Revaluation:
                return Revaluation(command, posting, documents);

            default:
                throw new DomainValidationException("kind", "Unknown posting kind.");
        }
    }

    private static Posting Receipt(FundCommand command, Posting posting, Func<string, FundDocument?> documents)
    {
        var eur = command.EurMinor;
        var donor = command.DonorStateCode!;
        if (command.TargetId is null)
        {
            return posting with { Entries = [new(FundAccounts.CashFor(command.Earmark), eur), new(FundAccounts.Contributions(donor), -eur)] };
        }

        var pledge = documents(command.TargetId);
        if (pledge is not { Kind: PostingKind.Pledge })
        {
            throw new DomainValidationException("pledgeId", "There is no pledge with this id.");
        }

        if (pledge.DonorStateCode != donor)
        {
            throw new DomainValidationException("pledgeId", $"This pledge was made by {pledge.DonorStateCode}, not {donor}.");
        }

        if (command.Earmark.Length > 0 && command.Earmark != pledge.Earmark)
        {
            throw new DomainValidationException("earmark", "A receipt against a pledge carries the pledge's earmark; leave 'earmark' out or repeat it.");
        }

        NotBefore(command.Date, pledge.Date, "the pledge");
        var amount = command.Amount!.Value;
        if (pledge.CorrectedBy is not null)
        {
            throw new ConflictException("This pledge was corrected (reversed): nothing is outstanding on it.");
        }

        if (pledge.Currency is { } currency && amount.Currency != currency)
        {
            throw new DomainValidationException("amount.currency", $"This pledge is owed in {currency}: a receipt against it is in {currency}.");
        }

        var owed = pledge.OutstandingAmount;
        if (amount.Minor > owed)
        {
            throw new ConflictException($"Only {Major(owed, amount.Currency)} {amount.Currency} of this pledge is outstanding; a receipt of {Major(amount.Minor, amount.Currency)} {amount.Currency} exceeds it.");
        }

        // The receivable is carried at the pledge's booked EUR. A partial receipt takes its own EUR value off it (never
        // more than is left); the receipt that completes the pledge in its currency takes off all that is left. What
        // the receipts were worth beyond (or short of) the booked value is the realised exchange difference.
        var booked = amount.Minor == owed ? pledge.Remaining : Math.Min(eur, pledge.Remaining);
        var difference = eur - booked;
        var entries = new List<LedgerEntry> { new(FundAccounts.CashFor(pledge.Earmark), eur) };
        if (booked != 0)
        {
            entries.Add(new(FundAccounts.Receivable(donor), -booked));
        }

        if (difference != 0)
        {
            entries.Add(new(FundAccounts.ExchangeGainLoss(donor), -difference));
        }

        return posting with { Earmark = pledge.Earmark, Booked = booked, Entries = entries };
    }

    private static Posting Revaluation(FundCommand command, Posting posting, Func<string, FundDocument?> documents)
    {
        var lines = new List<RevaluationLine>();
        var entries = new List<LedgerEntry>();
        foreach (var line in command.Revaluations)
        {
            var pledge = documents(line.PledgeId);
            if (pledge is not { Kind: PostingKind.Pledge } || pledge.OutstandingAmount != line.OutstandingAmount)
            {
                throw new ConflictException("A pledge changed while it was being revalued; revalue again.");
            }

            NotBefore(command.Date, pledge.Date, "a pledge it revalues");
            var adjustment = line.NewEur - pledge.Remaining;
            if (adjustment == 0)
            {
                continue;
            }

            var donor = pledge.DonorStateCode!;
            lines.Add(line with { DonorId = donor, Adjustment = adjustment });
            entries.Add(new(FundAccounts.Receivable(donor), adjustment));
            entries.Add(new(FundAccounts.UnrealisedExchange(donor), -adjustment));
        }

        if (lines.Count == 0)
        {
            throw new ConflictException("Every outstanding pledge is already carried at this month's rates: nothing to revalue.");
        }

        return posting with { Revaluations = lines, EurMinor = lines.Sum(l => Math.Abs(l.Adjustment)), Entries = entries };
    }

    private static Posting WriteOff(FundCommand command, Posting posting, Func<string, FundDocument?> documents)
    {
        var pledge = documents(command.TargetId!);
        if (pledge is not { Kind: PostingKind.Pledge })
        {
            throw new NotFoundException($"There is no pledge {command.TargetId}.");
        }

        NotBefore(command.Date, pledge.Date, "the pledge");
        if (pledge.OutstandingAmount <= 0)
        {
            throw new ConflictException("Nothing of this pledge is outstanding: there is nothing to write off.");
        }

        var donor = pledge.DonorStateCode!;
        var booked = pledge.Remaining;
        var entries = booked == 0
            ? new List<LedgerEntry>()
            : [new(FundAccounts.WrittenOff(donor), booked), new(FundAccounts.Receivable(donor), -booked)];
        return posting with
        {
            DonorStateCode = donor,
            Earmark = pledge.Earmark,
            EurMinor = booked,
            Booked = booked,
            Amount = pledge.Currency is null ? null : new Money(pledge.OutstandingAmount, pledge.Currency),
            Entries = entries,
        };
    }

    private static Posting Correction(FundCommand command, Posting posting, FundPosition position, Func<string, FundDocument?> documents)
    {
        var original = documents(command.TargetId!) ?? throw new NotFoundException("There is no posting with this id.");
        if (original.CorrectedBy is not null)
        {
            throw new ConflictException("This posting was already corrected.");
        }

        if (command.EurMinor != original.EurMinor)
        {
            throw new DomainValidationException("eurValue", "A correction reverses the whole posting: repeat its EUR value.");
        }

        NotBefore(command.Date, original.Date, "the posting it corrects");
        NotBefore(command.Date, position.LatestDate, "the latest posting");
        var eur = original.EurMinor;
        var donor = original.DonorStateCode!;
        var corrected = posting with
        {
            DonorStateCode = donor,
            Earmark = original.Earmark,
            CorrectedKind = original.Kind,
            Amount = null,
        };
        switch (original.Kind)
        {
            case PostingKind.Pledge:
                if (original.Received > 0 || original.ReceivedAmount > 0)
                {
                    throw new ConflictException("Money was received against this pledge: correct those receipts first.");
                }

                if (original.WrittenOffAmount > 0)
                {
                    throw new ConflictException("This pledge was written off; a write-off is final.");
                }

                if (original.Revalued != 0)
                {
                    throw new ConflictException("This pledge was revalued: correct those revaluations first.");
                }

                return corrected with { Entries = [new(FundAccounts.Receivable(donor), -eur), new(FundAccounts.Contributions(donor), eur)] };

            case PostingKind.Receipt:
            {
                // Earmarked money already spent cannot be taken back from its earmark: the rest comes from unearmarked cash.
                var earmarked = original.Earmark.Length == 0 ? 0 : Math.Min(eur, Math.Max(0, position.CashByEarmark.GetValueOrDefault(original.Earmark)));
                var cash = new List<LedgerEntry>();
                if (earmarked > 0)
                {
                    cash.Add(new(FundAccounts.CashFor(original.Earmark), -earmarked));
                }

                if (eur - earmarked > 0)
                {
                    cash.Add(new(FundAccounts.Cash, -(eur - earmarked)));
                }

                var after = position.Copy();
                after.Apply(corrected with { Entries = cash, Kind = PostingKind.Correction });
                if (after.CashByEarmark.GetValueOrDefault(string.Empty) < 0 || !after.CommitmentsFit())
                {
                    throw new ConflictException("Reversing this receipt would leave commitments or payments without the money that covers them.");
                }

                if (original.PledgeId is null)
                {
                    return corrected with { Entries = [.. cash, new(FundAccounts.Contributions(donor), eur)] };
                }

                // The receipt's own entries reversed: its booked EUR back to the receivable, its exchange difference undone.
                var reversal = new List<LedgerEntry>(cash);
                if (original.Booked != 0)
                {
                    reversal.Add(new(FundAccounts.Receivable(donor), original.Booked));
                }

                if (eur - original.Booked != 0)
                {
                    reversal.Add(new(FundAccounts.ExchangeGainLoss(donor), eur - original.Booked));
                }

                return corrected with
                {
                    CorrectedPledgeId = original.PledgeId,
                    Amount = original.Currency is null ? null : new Money(original.AmountMinor, original.Currency),
                    Booked = original.Booked,
                    Entries = reversal,
                };
            }

            case PostingKind.Revaluation:
            {
                // Reversible while its pledges are as it left them; once one was paid or written off, revalue again instead.
                var lines = original.Revaluations.Select(l => l with { Adjustment = -l.Adjustment }).ToArray();
                foreach (var line in lines)
                {
                    if (documents(line.PledgeId) is not { } pledge || pledge.LastSequence > original.LastSequence)
                    {
                        throw new ConflictException("A pledge of this revaluation changed since: it cannot be reversed; revalue again.");
                    }
                }

                return corrected with
                {
                    DonorStateCode = null,
                    Revaluations = lines,
                    Entries = [.. lines.SelectMany(l => new LedgerEntry[] { new(FundAccounts.Receivable(l.DonorId!), l.Adjustment), new(FundAccounts.UnrealisedExchange(l.DonorId!), -l.Adjustment) })],
                };
            }

            default:
                throw new ConflictException("Only pledges, receipts and revaluations are corrected by reversal; a commitment is undone by releasing it.");
        }
    }

    private static FundDocument Commitment(FundDocument? document, string id, bool inRoute)
    {
        if (document is { Kind: PostingKind.Commitment })
        {
            return document;
        }

        return inRoute
            ? throw new NotFoundException($"There is no commitment {id}.")
            : throw new DomainValidationException("commitmentId", "There is no commitment with this id.");
    }

    private static void NotBefore(DateOnly date, DateOnly? earliest, string what)
    {
        if (earliest is { } e && date < e)
        {
            throw new DomainValidationException("date", $"'date' cannot be before {what} ({e:yyyy-MM-dd}).");
        }
    }

    private static string Major(long minor, string currency) =>
        new Money(minor, currency).Major.ToString("N" + Currencies.DigitsOf(currency).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Eur(long minor) => Money.EuroMajor(minor).ToString("0.00", CultureInfo.InvariantCulture);
}
