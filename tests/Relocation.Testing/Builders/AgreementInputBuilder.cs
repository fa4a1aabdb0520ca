using Relocation.Domain.Agreements;

namespace Relocation.Testing.Builders;

/// <summary>A valid agreement by default.</summary>
public sealed class AgreementInputBuilder
{
    private AgreementCommand _input = new("NOR", AgreementType.WitnessRelocation, Arrangement.Framework, true, true,
        "Agreement between the ICC and Norway on the relocation of witnesses", null, null);

    public AgreementInputBuilder With(Func<AgreementCommand, AgreementCommand> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _input = change(_input);
        return this;
    }

    public AgreementCommand Build() => _input;

    public Dictionary<string, object?> BuildBody() => new()
    {
        ["stateCode"] = _input.StateCode,
        ["type"] = _input.Type?.ToString(),
        ["arrangement"] = _input.Arrangement?.ToString(),
        ["costNeutral"] = _input.CostNeutral,
        ["confidential"] = _input.Confidential,
        ["title"] = _input.Title,
        ["expiresOn"] = _input.ExpiresOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["reviewOn"] = _input.ReviewOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
    };
}
