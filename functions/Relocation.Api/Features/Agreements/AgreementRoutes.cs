using Relocation.Api.Routing;
using Relocation.Domain.Agreements;
using Relocation.Domain.Security;

namespace Relocation.Api.Features.Agreements;

internal sealed class AgreementRoutes : IApiRoutes
{
    private static readonly string[] Readers = [Roles.RegistryAdmin, Roles.VwuOfficer];

    public IEnumerable<ApiRoute> Routes =>
    [
        ApiRoute.For<AgreementHandlers>("CreateAgreement", HttpMethods.Post, "agreements", [Roles.RegistryAdmin],
            (h, r) => h.CreateAsync(r), "Registers an agreement in negotiation and starts its lifecycle orchestration (202).")
            .Accepts<AgreementInput>("stateCode", "type", "arrangement", "costNeutral", "confidential", "title").Produces<AgreementAcceptedDto>(202) with { Creates = true },
        ApiRoute.For<AgreementHandlers>("PostAgreementEvent", HttpMethods.Post, "agreements/{id}/events", [Roles.RegistryAdmin],
            (h, r) => h.PostEventAsync(r), "Signed, EnteredIntoForce, Suspended, Resumed or Terminated; 409 when the lifecycle does not allow it.")
            .Accepts<AgreementEventInput>("event", "date")
            .Produces<AgreementDto>(200, "Applied: the agreement as it is now.")
            .Produces<AgreementDto>(202, "Recorded, not yet applied: read the agreement again shortly."),
        ApiRoute.For<AgreementHandlers>("ListAgreements", HttpMethods.Get, "agreements", Readers,
            (h, r) => h.ListAsync(r), "Agreements, filtered by ?stateCode=&type=&status=.")
            .WithQuery<string>("stateCode", "Only this State's (ISO 3166-1 alpha-3).")
            .WithQuery<AgreementType>("type", "Only this type.")
            .WithQuery<AgreementStatus>("status", "Only agreements now in this status.")
            .Produces<IReadOnlyList<AgreementDto>>(),
        ApiRoute.For<AgreementHandlers>("GetAgreement", HttpMethods.Get, "agreements/{id}", Readers,
            (h, r) => h.GetAsync(r), "One agreement with its history: each step with who and when.")
            .Produces<AgreementDto>(),
        ApiRoute.For<AgreementHandlers>("PutAgreementDocument", HttpMethods.Put, "agreements/{id}/documents/{name}", [Roles.RegistryAdmin],
            (h, r) => h.PutDocumentAsync(r), "Stores a document (PDF, PNG, JPEG, text, DOCX; at most 10 MB).")
            .AcceptsFile([.. AgreementDocument.AllowedContentTypes.Order(StringComparer.Ordinal)]).Produces<DocumentStoredDto>(201) with { MaxBodyBytes = AgreementDocument.MaxBytes },
        ApiRoute.For<AgreementHandlers>("GetAgreementDocument", HttpMethods.Get, "agreements/{id}/documents/{name}", [Roles.RegistryAdmin],
            (h, r) => h.GetDocumentAsync(r), "The document, byte for byte.")
            .ProducesFile(200, [.. AgreementDocument.AllowedContentTypes.Order(StringComparer.Ordinal)]),
        ApiRoute.For<AgreementReportHandlers>("AgreementStatistics", HttpMethods.Get, "reports/agreements", [Roles.RegistryAdmin],
            (h, r) => h.StatisticsAsync(r), "Per type and arrangement and per regional group: signed, entered into force, suspended, terminated, expired in ?year=; in force at its end.")
            .WithQuery<int>("year", "The year (1998–2200); this year when left out.")
            .Produces<AgreementStatisticsDto>(),
    ];
}
