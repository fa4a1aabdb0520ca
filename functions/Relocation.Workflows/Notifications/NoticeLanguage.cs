using Relocation.Domain.States;

namespace Relocation.Workflows.Notifications;

/// <summary>The language a message to a State's focal points is written in (<see cref="CaseNotices"/> holds both texts).</summary>
public enum NoticeLanguage
{
    English,
    French,
}

/// <summary>
/// Picks a focal point's language from its State's row in the register, and nothing else, so an activity that runs twice
/// writes the same text under the same message id (the id never depends on the language).
/// </summary>
public static class NoticeLanguages
{
    /// <summary>French for a French-first State (<see cref="State.FrenchFirst"/>: its languages include "fr" and not "en"); English otherwise, and when the State is not in the register.</summary>
    public static NoticeLanguage For(State? state) => state is { FrenchFirst: true } ? NoticeLanguage.French : NoticeLanguage.English;

    /// <summary>The language of <paramref name="stateCode"/>'s focal points, read from the register (English without one: unit tests that build no register).</summary>
    public static async Task<NoticeLanguage> ForAsync(IStateRepository? states, string stateCode) =>
        states is null ? NoticeLanguage.English : For(await states.FindAsync(stateCode, CancellationToken.None));
}
