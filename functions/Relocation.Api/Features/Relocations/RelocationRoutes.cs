using Relocation.Api.Routing;
using Relocation.Domain.Security;

namespace Relocation.Api.Features.Relocations;

internal sealed class RelocationRoutes : IApiRoutes
{
    private static readonly string[] Vwu = [Roles.VwuOfficer];

    public IEnumerable<ApiRoute> Routes =>
    [
        ApiRoute.For<RelocationHandlers>("CreateRelocation", HttpMethods.Post, "relocations", Vwu,
            (h, r) => h.CreateAsync(r), "Raises an urgent relocation request; the protected person's details are encrypted in the case file (202).") with { Creates = true },
        ApiRoute.For<RelocationHandlers>("ListRelocations", HttpMethods.Get, "relocations", Vwu,
            (h, r) => h.ListAsync(r), "VWU's caseload: open cases first, nearest deadline first; filters status, priority, overdue; paged by nextPage."),
        ApiRoute.For<RelocationHandlers>("GetRelocation", HttpMethods.Get, "relocations/{id}", Vwu,
            (h, r) => h.GetAsync(r), "Status, round, deadlines, offers and timeline; no protected details."),
        ApiRoute.For<RelocationHandlers>("GetRelocationTimeline", HttpMethods.Get, "relocations/{id}/timeline", Vwu,
            (h, r) => h.TimelineAsync(r), "Every step of the case, newest first, paged (?page= from nextPage); the case shows only the latest."),
        ApiRoute.For<RelocationHandlers>("GetRelocationCandidates", HttpMethods.Get, "relocations/{id}/candidates", Vwu,
            (h, r) => h.CandidatesAsync(r), "Candidate States ranked now, each with its score and reasons."),
        ApiRoute.For<RelocationHandlers>("GetCaseFile", HttpMethods.Get, "relocations/{id}/case-file", Vwu,
            (h, r) => h.CaseFileAsync(r), "The protected person's details; requires X-Access-Reason; every read is audited.") with { AuditEveryRead = true },
        ApiRoute.For<RelocationHandlers>("ListOfferRequests", HttpMethods.Get, "states/{code}/offer-requests", [Roles.StateFocalPoint],
            (h, r) => h.OfferRequestsAsync(r), "Open offer requests to the focal point's own State, with only what it needs to decide."),
        ApiRoute.For<RelocationHandlers>("PostRelocationResponse", HttpMethods.Post, "relocations/{id}/responses", [Roles.StateFocalPoint],
            (h, r) => h.RespondAsync(r), "A State offers or declines; 403 when it was not asked, 409 when its round closed or it answered already."),
        ApiRoute.For<RelocationHandlers>("AcceptRelocationOffer", HttpMethods.Post, "relocations/{id}/acceptance", Vwu,
            (h, r) => h.AcceptAsync(r), "Accepts a State's offer: places held and cost committed, or 409 with the reason."),
        ApiRoute.For<RelocationHandlers>("RecordRelocationArrival", HttpMethods.Post, "relocations/{id}/arrival", Vwu,
            (h, r) => h.ArriveAsync(r), "The person arrived: held places become used."),
        ApiRoute.For<RelocationHandlers>("CancelRelocation", HttpMethods.Post, "relocations/{id}/cancellation", Vwu,
            (h, r) => h.CancelAsync(r), "Cancels at any point: holds and commitments released, States told."),
        ApiRoute.For<RelocationHandlers>("RecordRelocationConsent", HttpMethods.Post, "relocations/{id}/consent", Vwu,
            (h, r) => h.ConsentAsync(r), "The person's consent, kept in the case file; a Normal or Urgent request asks no State before it, an Emergency one cannot be accepted before it."),
        ApiRoute.For<RelocationHandlers>("RecordRelocationTravel", HttpMethods.Post, "relocations/{id}/travel", Vwu,
            (h, r) => h.TravelAsync(r), "A travel step: its status on the case, dates and escort in the case file."),
        ApiRoute.For<RelocationHandlers>("RecordRelocationReview", HttpMethods.Post, "relocations/{id}/reviews", Vwu,
            (h, r) => h.ReviewAsync(r), "A protection review: Extend (the State confirms), End (places and money released) or ReRelocate (a linked request, 202).") with { Creates = true },
        ApiRoute.For<RelocationHandlers>("AnswerRelocationExtension", HttpMethods.Post, "relocations/{id}/extension", [Roles.StateFocalPoint],
            (h, r) => h.ExtensionAsync(r), "The receiving State confirms or refuses the extension a review asked for."),
        ApiRoute.For<RelocationReportHandlers>("RelocationStatistics", HttpMethods.Get, "reports/relocations", [Roles.RegistryAdmin],
            (h, r) => h.StatisticsAsync(r), "By priority and kind and by regional group for ?year=: requests, hours to first offer and to placement (median, p90), rounds, response rates, escalations, withdrawals; cells under 5 shown as \"<5\"."),
        ApiRoute.For<RelocationHandlers>("WithdrawRelocation", HttpMethods.Post, "relocations/{id}/withdrawal", [Roles.StateFocalPoint],
            (h, r) => h.WithdrawAsync(r), "The receiving State withdraws: the case becomes Withdrawn and a linked Emergency re-relocation opens without that State (202).") with { Creates = true },
    ];
}
