using System.Text.RegularExpressions;
using CsCheck;
using OrleansRegistry.TestSupport.Parsers;

namespace OrleansRegistry.Core.Tests.Properties;

/// <summary>Repository names, tags and references against the spec's grammar ("Pulling manifests"), written as regexes.</summary>
public sealed class NameProperties
{
    // \z, not $: .NET's $ also matches before a final "\n", which no name or tag may end with.
    private static readonly Regex NameGrammar = new(@"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*\z");
    private static readonly Regex TagGrammar = new(@"^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}\z");
    private static readonly Regex DigestGrammar = new(@"^[a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+\z");

    /// <summary>Names built from the grammar: path components of alphanumeric runs joined by the allowed separators.</summary>
    private static readonly Gen<string> ValidNames =
        Gen.Select(Gen.Char["ab09"].Array[1, 4], Gen.OneOf(".", "_", "__", "-", "---"), Gen.Char["z8"].Array[1, 3], Gen.Bool,
                (run, separator, next, joined) => new string(run) + (joined ? separator + new string(next) : ""))
            .Array[1, 6].Select(components => string.Join('/', components));

    [Fact]
    public void Repository_name_validity_is_the_spec_grammar_within_255_characters() =>
        Gen.Frequency((1, ValidNames), (2, ParserProperties.GrammarText("ab09._-/", 300)))
            .Sample(text => RepositoryName.IsValid(text) == (NameGrammar.IsMatch(text) && text.Length <= RepositoryName.MaxLength), iter: 50_000);

    [Fact]
    public void Valid_names_round_trip() =>
        ValidNames.Where(n => n.Length <= RepositoryName.MaxLength)
            .Sample(name => RepositoryName.TryParse(name, out var parsed) && parsed.Value == name && parsed.ToString() == name);

    [Fact]
    public void Tag_validity_is_the_spec_grammar() =>
        ParserProperties.GrammarText("aZ09_.-", 140).Sample(text => Tag.IsValid(text) == TagGrammar.IsMatch(text), iter: 50_000);

    [Fact]
    public void Reference_is_a_digest_with_a_colon_and_a_tag_without() =>
        ParserProperties.GrammarText("aZ09_.-:+=", 140).Sample(text =>
            Reference.TryParse(text, out var reference) == (text.Contains(':') ? DigestGrammar.IsMatch(text) : TagGrammar.IsMatch(text))
            && (!reference.IsDigest || reference.ToString() == text), iter: 50_000);
}
