using System.Net.Http.Headers;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Relocation.Client;
using Relocation.Client.Models;
using Relocation.Domain.Security;
using Relocation.Testing;

namespace Relocation.Contract.Tests;

/// <summary>
/// The C# client Kiota generates from the served document at build time, used as an integrator would: no type of the
/// API is written by hand here. A State is registered with capacity and an agreement in force, VWU raises a relocation,
/// the State offers through its own client and VWU accepts.
/// </summary>
public sealed class KiotaClientTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private RelocationClient ClientFor(string token)
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = $"http://127.0.0.1:{host.Host.Port}",
        };
        return new RelocationClient(adapter);
    }

    private static Action<RequestConfiguration<DefaultQueryParameters>> Key(string key) =>
        config => config.Headers.Add("Idempotency-Key", key);

    [Fact]
    public async Task GeneratedClient_RaiseOfferAccept_RelocationOfferAccepted()
    {
        var admin = ClientFor(TestTokens.For(Roles.RegistryAdmin));
        var vwu = ClientFor(TestTokens.For(Roles.VwuOfficer, name: "VWU officer", subject: "vwu-kiota"));
        var norway = ClientFor(TestTokens.For(Roles.StateFocalPoint, "NOR"));
        var today = new Date(DateTime.UtcNow);

        var state = await admin.Api.States["NOR"].PutAsync(new StateInput
        {
            Name = "Norway",
            Region = StateInput_region.WesternEuropeanOther,
            Languages = ["en", "nb"],
            RomeStatuteParty = true,
            ApicParty = true,
            FocalPoints = [new FocalPointInput { Name = "ICC desk", Email = "icc-desk@example.org", Phone = "+47 22 00 00 00" }],
        }, Key("kiota-state"));
        Assert.Equal("NOR", state!.Code);

        await norway.Api.States["NOR"].Capacity.PostAsync(new CapacityInput
        {
            Kinds = [CapacityInput_kinds.TemporaryRelocation],
            Places = 4,
            MaxHouseholdSize = 5,
            Languages = ["en"],
            MedicalCare = true,
            AvailableFrom = new Date(DateTime.UtcNow.AddDays(-1)),
            AvailableUntil = new Date(DateTime.UtcNow.AddYears(1)),
            NeedsFundSupport = false,
        }, Key("kiota-capacity"));

        var agreement = await admin.Api.Agreements.PostAsync(new AgreementInput
        {
            StateCode = "NOR",
            Type = AgreementInput_type.WitnessRelocation,
            Arrangement = AgreementInput_arrangement.Framework,
            CostNeutral = false,
            Confidential = false,
            Title = "Witness relocation framework agreement",
        }, Key("kiota-agreement"));
        foreach (var step in new[] { AgreementEventInput_event.Signed, AgreementEventInput_event.EnteredIntoForce })
        {
            await admin.Api.Agreements[agreement!.Id].Events.PostAsync(new AgreementEventInput { Event = step, Date = today }, Key($"kiota-{step}"));
        }

        var raised = await vwu.Api.Relocations.PostAsync(new RelocationInput
        {
            CaseReference = "ICC-01/04-01/K1",
            Pseudonym = "W-4201",
            Kind = RelocationInput_kind.TemporaryRelocation,
            Priority = RelocationInput_priority.Emergency,
            Consent = new ConsentInput { GivenOn = new Date(DateTime.UtcNow), RecordedBy = "VWU officer", Scope = "Relocation" },
            Household = new HouseholdInput { Adults = 1, Children = 1 },
            Needs = new NeedsInput { Languages = ["en"], MedicalCare = false },
            ProtectedPerson = new ProtectedPersonInput { FullName = "Kiota Witness", DateOfBirth = new Date(1990, 1, 2), CurrentLocation = "Bunia", Contact = "+243 000 001" },
        }, Key("kiota-relocation"));
        // An Emergency request opens round 1 before the answer (docs/durability.md, The first round).
        Assert.Equal(RelocationAcceptedDto_status.AwaitingOffers, raised!.Status);

        var asked = await UntilAsync(async () => (await norway.Api.States["NOR"].OfferRequests.GetAsync())!.FirstOrDefault(o => o.RelocationId == raised.Id));
        Assert.Equal("W-4201", asked.Pseudonym);

        var recorded = await norway.Api.Relocations[raised.Id].Responses.PostAsync(new ResponseInput
        {
            StateCode = "NOR",
            Decision = ResponseInput_decision.Offer,
            Places = 2,
            AvailableFrom = today,
            EstimatedCost = new Money { Value = 1250.50, Currency = "EUR" },
        }, Key("kiota-offer"));
        Assert.Equal(ResponseRecordedDto_decision.Offer, recorded!.Decision);

        await vwu.Api.Relocations[raised.Id].Acceptance.PostAsync(new AcceptanceInput { StateCode = "NOR" }, Key("kiota-accept"));
        var accepted = await UntilAsync(async () =>
        {
            var relocation = await vwu.Api.Relocations[raised.Id].GetAsync();
            return relocation!.Status == RelocationDto_status.OfferAccepted ? relocation : null;
        });
        Assert.Equal("NOR", accepted.Accepted!.StateCode);
    }

    private static async Task<T> UntilAsync<T>(Func<Task<T?>> read)
        where T : class
    {
        for (var i = 0; i < 300; i++)
        {
            if (await read() is { } value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The relocation did not get there in 30 s.");
    }
}
