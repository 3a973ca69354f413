using OrleansRegistry.Cli.Parsing;
using OrleansRegistry.Core.Schema1;

namespace OrleansRegistry.Cli.Commands;

/// <summary><c>oreg verify FILE</c>: checks every signature of a schema1 manifest; prints the signers' key ids.</summary>
internal sealed class VerifyCommand : ICommand
{
    public string Name => "verify";

    public string Synopsis => "verify FILE";

    public string Summary => "verify a signed schema1 manifest and print its signers' key ids";

    public string Details => """
        Prints one line per signature, KEYID (TYPE), in signature order, when every signature verifies; exits 1
        with MANIFEST_UNVERIFIED when any does not, or when the file carries no signatures.
        """;

    public IReadOnlyList<OptionSpec> Options => [];

    public async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var path = context.Positionals(1)[0];
        var keys = SignedManifest.Verify(await SignCommand.ReadAsync(path, ct));
        foreach (var key in keys)
            await context.ResultAsync($"{key.KeyId} ({key.KeyType}{(key.Curve is null ? "" : " " + key.Curve)})");
        return ExitCodes.Success;
    }
}
