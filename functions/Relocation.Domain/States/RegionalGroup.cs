namespace Relocation.Domain.States;

/// <summary>The United Nations regional groups, as the Assembly reports by them.</summary>
public enum RegionalGroup
{
    African = 1,
    AsiaPacific,
    EasternEuropean,
    LatinAmericanCaribbean,
    WesternEuropeanOther,
}
