using Relocation.Api.Routing;
using Relocation.Api.OpenApi;
using Relocation.Domain.Relocations;
using Relocation.Domain.Security;

namespace Relocation.Api.Features.Relocations;

internal sealed class RelocationRoutes : IApiRoutes
{
    private static readonly string[] Vwu = [Roles.VwuOfficer];

    public IEnumerable<ApiRoute> Routes =>
    [
        ApiRoute.For<RelocationHandlers>("CreateRelocation", HttpMethods.Post, "relocations", Vwu,
            (h, r) => h.CreateAsync(r), "Raises an urgent relocation request; the protected person's details are encrypted in the case file (202).")
            .Accepts<RelocationInput>("caseReference", "pseudonym", "kind", "priority", "household", "household.adults", "household.children",
                "needs", "needs.languages", "needs.medicalCare", "protectedPerson", "protectedPerson.fullName", "protectedPerson.dateOfBirth",
                "protectedPerson.currentLocation", "protectedPerson.contact")
            .Produces<RelocationAcceptedDto>(202) with { Creates = true, ClaimsBesideHandler = true },
        ApiRoute.For<RelocationHandlers>("ListRelocations", HttpMethods.Get, "relocations", Vwu,
            (h, r) => h.ListAsync(r), "VWU's caseload: open cases first, nearest deadline first; filters status, priority, overdue; paged by nextPage.")
            .WithQuery<RelocationStatus>("status", "Only cases in this status.")
            .WithQuery<RelocationPriority>("priority", "Only cases of this priority.")
            .WithQuery<bool>("overdue", "true: only cases past their deadline; false: only the others.")
            .WithQuery<string>("page", "The nextPage of the previous answer.")
            .Produces<CaseloadPageDto>(),
        ApiRoute.For<RelocationHandlers>("GetRelocation", HttpMethods.Get, "relocations/{id}", Vwu,
            (h, r) => h.GetAsync(r), "Status, round, deadlines, offers and timeline; no protected details.")
            .Produces<RelocationDto>(),
        ApiRoute.For<RelocationHandlers>("GetRelocationTimeline", HttpMethods.Get, "relocations/{id}/timeline", Vwu,
            (h, r) => h.TimelineAsync(r), "Every step of the case, newest first, paged (?page= from nextPage); the case shows only the latest.")
            .WithQuery<string>("page", "The nextPage of the previous answer.")
            .Produces<TimelinePageDto>(),
        ApiRoute.For<RelocationHandlers>("GetRelocationCandidates", HttpMethods.Get, "relocations/{id}/candidates", Vwu,
            (h, r) => h.CandidatesAsync(r), "Candidate States ranked now, each with its score and reasons.")
            .Produces<IReadOnlyList<CandidateDto>>(),
        ApiRoute.For<RelocationHandlers>("GetCaseFile", HttpMethods.Get, "relocations/{id}/case-file", Vwu,
            (h, r) => h.CaseFileAsync(r), "The protected person's details; requires X-Access-Reason; every read is audited.")
            .WithHeader(ApiHeaders.AccessReason, "Why the case file is read (at most 500 characters); written to the audit log.", required: true)
            .Produces<CaseFileDto>() with { AuditEveryRead = true },
        ApiRoute.For<RelocationHandlers>("ListOfferRequests", HttpMethods.Get, "states/{code}/offer-requests", [Roles.StateFocalPoint],
            (h, r) => h.OfferRequestsAsync(r), "Open offer requests to the focal point's own State, with only what it needs to decide.")
            .Produces<IReadOnlyList<OfferRequestDto>>(),
        ApiRoute.For<RelocationHandlers>("PostRelocationResponse", HttpMethods.Post, "relocations/{id}/responses", [Roles.StateFocalPoint],
            (h, r) => h.RespondAsync(r), "A State offers or declines; 403 when it was not asked, 409 when its round closed or it answered already.")
            .Accepts<ResponseInput>("stateCode", "decision", "estimatedCost.value", "estimatedCost.currency").Produces<ResponseRecordedDto>(),
        ApiRoute.For<RelocationHandlers>("AcceptRelocationOffer", HttpMethods.Post, "relocations/{id}/acceptance", Vwu,
            (h, r) => h.AcceptAsync(r), "Accepts a State's offer: places held and cost committed, or 409 with the reason.")
            .Accepts<AcceptanceInput>("stateCode")
            .Produces<RelocationDto>(200, "Accepted: places held (and money committed when cost-neutral).")
            .Produces<RelocationDto>(202, "Still being processed: read the case's lastAcceptance shortly."),
        ApiRoute.For<RelocationHandlers>("RecordRelocationArrival", HttpMethods.Post, "relocations/{id}/arrival", Vwu,
            (h, r) => h.ArriveAsync(r), "The person arrived: held places become used.")
            .Accepts<ArrivalInput>("arrivedOn").Produces<RelocationDto>(),
        ApiRoute.For<RelocationHandlers>("CancelRelocation", HttpMethods.Post, "relocations/{id}/cancellation", Vwu,
            (h, r) => h.CancelAsync(r), "Cancels at any point: holds and commitments released, States told.")
            .Accepts<CancellationInput>("reason").Produces<RelocationDto>(),
        ApiRoute.For<RelocationHandlers>("RecordRelocationConsent", HttpMethods.Post, "relocations/{id}/consent", Vwu,
            (h, r) => h.ConsentAsync(r), "The person's consent, kept in the case file; a Normal or Urgent request asks no State before it, an Emergency one cannot be accepted before it.")
            .Accepts<ConsentInput>("givenOn", "recordedBy", "scope").Produces<RelocationDto>(),
        ApiRoute.For<RelocationHandlers>("RecordRelocationTravel", HttpMethods.Post, "relocations/{id}/travel", Vwu,
            (h, r) => h.TravelAsync(r), "A travel step: its status on the case, dates and escort in the case file.")
            .Accepts<TravelInput>("step").Produces<RelocationDto>(),
        ApiRoute.For<RelocationHandlers>("RecordRelocationReview", HttpMethods.Post, "relocations/{id}/reviews", Vwu,
            (h, r) => h.ReviewAsync(r), "A protection review: Extend (the State confirms), End (places and money released) or ReRelocate (a linked re-relocation, 202).")
            .Accepts<ReviewInput>("outcome", "reviewedOn")
            .Produces<RelocationDto>(200, "Extend or End recorded.")
            .Produces<LinkedRelocationDto>(202, "ReRelocate: the linked re-relocation opened.") with { Creates = true },
        ApiRoute.For<RelocationHandlers>("AnswerRelocationExtension", HttpMethods.Post, "relocations/{id}/extension", [Roles.StateFocalPoint],
            (h, r) => h.ExtensionAsync(r), "The receiving State confirms or refuses the extension a review asked for.")
            .Accepts<ExtensionInput>("stateCode", "decision").Produces<ExtensionAnswerDto>(),
        ApiRoute.For<RelocationReportHandlers>("RelocationStatistics", HttpMethods.Get, "reports/relocations", [Roles.RegistryAdmin],
            (h, r) => h.StatisticsAsync(r), "By priority and kind and by regional group for ?year=: requests, hours to first offer and to placement (median, p90), rounds, response rates, escalations, withdrawals; cells under 5 shown as \"<5\".")
            .WithQuery<int>("year", "The year of submission (this year when left out).")
            .Produces<RelocationReport>(),
        ApiRoute.For<RelocationHandlers>("WithdrawRelocation", HttpMethods.Post, "relocations/{id}/withdrawal", [Roles.StateFocalPoint],
            (h, r) => h.WithdrawAsync(r), "The receiving State withdraws: the case becomes Withdrawn and a linked Emergency re-relocation opens without that State (202).")
            .Accepts<WithdrawalInput>("stateCode", "reason", "effectiveOn")
            .Produces<LinkedRelocationDto>(202) with { Creates = true },
    ];
}
