namespace OrleansRegistry.TestSupport.Parsers;

/// <summary>
/// One parser of untrusted input as the property tests and the fuzz harness (tests/OrleansRegistry.Fuzz) drive it.
/// <see cref="Run"/> feeds it arbitrary bytes, swallows only the exceptions the parser documents (e.g. RegistryException
/// with its spec code) and checks what it returns against its own invariants; anything it lets out is a finding.
/// <see cref="Alphabet"/>: the characters that matter to the grammar, which generators favour so that random input gets
/// past the first character. <see cref="Seeds"/>: valid inputs, the start of a fuzz corpus.
/// <see cref="Project"/>: the source project the parser lives in, so each test project runs its own.
/// </summary>
public sealed record ParserTarget(string Name, string Project, string Alphabet, IReadOnlyList<string> Seeds, Action<byte[]> Run);
