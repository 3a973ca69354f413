using System.Text;
using CsCheck;

namespace OrleansRegistry.TestSupport.Parsers;

/// <summary>The property every parser target must have, and the generators of hostile input for it.</summary>
public static class ParserProperties
{
    /// <summary>Text over <paramref name="alphabet"/>, with any other character mixed in one time in ten.</summary>
    public static Gen<string> GrammarText(string alphabet, int maxLength = 80) =>
        Gen.Frequency((9, (IGen<char>)Gen.Char[alphabet]), (1, Gen.Char)).Array[0, maxLength].Select(chars => new string(chars));

    /// <summary>
    /// Inputs for a target: arbitrary bytes, text over its alphabet, and its seeds with a few characters replaced,
    /// inserted or cut off (valid input one edit away is where parsers go wrong).
    /// </summary>
    public static Gen<byte[]> Inputs(ParserTarget target)
    {
        var edits = Gen.Select(Gen.Int[0, target.Seeds.Count - 1], Gen.Int[0, 4096], Gen.Char[target.Alphabet + "\0\\%\"\uFFFD"], Gen.Int[0, 2],
            (seed, at, c, kind) =>
            {
                var text = target.Seeds[seed];
                var position = at % (text.Length + 1);
                return kind switch
                {
                    0 => text[..position] + c + text[Math.Min(position + 1, text.Length)..],
                    1 => text.Insert(position, c.ToString()),
                    _ => text[..position],
                };
            });
        return Gen.Frequency(
            (1, (IGen<byte[]>)Gen.Byte.Array[0, 300]),
            (2, GrammarText(target.Alphabet).Select(Encoding.UTF8.GetBytes)),
            (2, edits.Select(Encoding.UTF8.GetBytes)));
    }

    /// <summary>The target never lets out an exception it does not document, nor breaks its own invariants.</summary>
    public static void NeverThrowsUndocumented(ParserTarget target, long iterations = 20_000) =>
        Inputs(target).Sample(target.Run, iter: iterations, print: input => Convert.ToHexString(input));
}
