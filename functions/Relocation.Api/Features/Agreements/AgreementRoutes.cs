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
            (h, r) => h.CreateAsync(r), "Registers an agreement in negotiation and starts its lifecycle orchestration (202).") with { Creates = true },
        ApiRoute.For<AgreementHandlers>("PostAgreementEvent", HttpMethods.Post, "agreements/{id}/events", [Roles.RegistryAdmin],
            (h, r) => h.PostEventAsync(r), "Signed, EnteredIntoForce, Suspended, Resumed or Terminated; 409 when the lifecycle does not allow it."),
        ApiRoute.For<AgreementHandlers>("ListAgreements", HttpMethods.Get, "agreements", Readers,
            (h, r) => h.ListAsync(r), "Agreements, filtered by ?stateCode=&type=&status=."),
        ApiRoute.For<AgreementHandlers>("GetAgreement", HttpMethods.Get, "agreements/{id}", Readers,
            (h, r) => h.GetAsync(r), "One agreement with its history: each step with who and when."),
        ApiRoute.For<AgreementHandlers>("PutAgreementDocument", HttpMethods.Put, "agreements/{id}/documents/{name}", [Roles.RegistryAdmin],
            (h, r) => h.PutDocumentAsync(r), "Stores a document (PDF, PNG, JPEG, text, DOCX; at most 10 MB).") with { MaxBodyBytes = AgreementDocument.MaxBytes },
        ApiRoute.For<AgreementHandlers>("GetAgreementDocument", HttpMethods.Get, "agreements/{id}/documents/{name}", [Roles.RegistryAdmin],
            (h, r) => h.GetDocumentAsync(r), "The document, byte for byte."),
        ApiRoute.For<AgreementReportHandlers>("AgreementStatistics", HttpMethods.Get, "reports/agreements", [Roles.RegistryAdmin],
            (h, r) => h.StatisticsAsync(r), "Per type and arrangement and per regional group: signed, entered into force, suspended, terminated, expired in ?year=; in force at its end."),
    ];
}
