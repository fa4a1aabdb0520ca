using System.ComponentModel.DataAnnotations;

namespace Relocation.Workflows.Agreements;

/// <summary>When reminders fire and how long a day lasts (shortened in tests), from <c>Workflows:Agreements</c>.</summary>
public sealed class AgreementWorkflowOptions
{
    public const string SectionName = "Workflows:Agreements";

    /// <summary>Days before a review date and before expiry at which a reminder is written, e.g. "90,30".</summary>
    [Required]
    [RegularExpression(@"^\d{1,4}(,\d{1,4})*$")]
    public string ReminderLeadDays { get; set; } = "90,30";

    /// <summary>One calendar day; only tests shorten it, so a year of an agreement's life passes in seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan DayLength { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Events applied before the orchestration continues as new, which keeps its history small.</summary>
    [Range(1, 1000)]
    public int EventsPerGeneration { get; set; } = 20;

    public IReadOnlyList<int> LeadDays => ReminderLeadDays.Split(',').Select(d => int.Parse(d, System.Globalization.CultureInfo.InvariantCulture)).OrderDescending().ToArray();
}
