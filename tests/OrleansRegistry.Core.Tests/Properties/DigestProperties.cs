using System.Text.RegularExpressions;
using CsCheck;
using OrleansRegistry.TestSupport.Parsers;

namespace OrleansRegistry.Core.Tests.Properties;

/// <summary>Digests against the image-spec grammar ("Digests") and the registry's supported algorithms.</summary>
public sealed class DigestProperties
{
    private static readonly Regex Grammar = new(@"^[a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+\z");
    private static readonly Regex Supported = new(@"^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})\z");

    private static readonly Gen<string> Texts = Gen.Frequency(
        (3, ParserProperties.GrammarText("sha256:+._-=aAfF09", 140)),
        (1, Gen.Select(Gen.OneOf("sha256", "sha512", "SHA256", "sha256+b64u"), Gen.Char["0123456789abcdefA"].Array[60, 130],
            (algorithm, hex) => algorithm + ":" + new string(hex))));

    [Fact]
    public void Well_formedness_is_the_image_spec_grammar_and_formatting_gives_the_text_back() =>
        Texts.Sample(text => Digest.TryParse(text, out var digest) == Grammar.IsMatch(text)
                             && (!Grammar.IsMatch(text) || digest.ToString() == text), iter: 50_000);

    [Fact]
    public void Supported_means_lower_case_hex_of_the_algorithms_length() =>
        Texts.Sample(text => !Digest.TryParse(text, out var digest) || digest.IsSupported == Supported.IsMatch(text), iter: 50_000);

    [Fact]
    public void Computed_digests_are_supported_and_round_trip() =>
        Gen.Select(Gen.Byte.Array[0, 200], Gen.OneOf(Digest.Sha256, Digest.Sha512)).Sample((data, algorithm) =>
        {
            var digest = Digest.Compute(data, algorithm);
            return digest.IsSupported && Digest.Parse(digest.ToString()) == digest;
        });
}
