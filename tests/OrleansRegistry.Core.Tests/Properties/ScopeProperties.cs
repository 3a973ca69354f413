using System.Text.RegularExpressions;
using CsCheck;
using OrleansRegistry.Core.Access;
using OrleansRegistry.TestSupport.Parsers;

namespace OrleansRegistry.Core.Tests.Properties;

/// <summary>
/// Scopes against the Docker token specification's "Resource Scope Grammar", written out here as a regular expression
/// production by production, independently of ResourceScope's hand-written scanner. Actions: <c>[a-z]+</c> or <c>*</c>
/// (registry:catalog:*), comma-separated, or none at all (<c>repository:x:</c>, a scope granting nothing).
/// </summary>
public sealed class ScopeProperties
{
    private const string TypeValue = "[a-z0-9]+";
    private const string HostComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private const string Hostname = HostComponent + @"(?:\." + HostComponent + ")*(?::[0-9]+)?";
    private const string Component = "[a-z0-9]+(?:(?:[_.]|__|-*)[a-z0-9]+)*";
    private const string ResourceName = "(?:" + Hostname + "/)?" + Component + "(?:/" + Component + ")*";
    private const string Action = @"(?:[a-z]+|\*)";

    private static readonly Regex Grammar = new(
        $@"^(?<type>{TypeValue})(?:\((?<class>{TypeValue})\))?:(?<name>{ResourceName}):(?<actions>{Action}(?:,{Action})*)?\z");

    private static readonly Gen<string> Names = Gen.Frequency(
        (3, ParserProperties.GrammarText("ab09._-/", 30)),
        (1, Gen.Select(ParserProperties.GrammarText("aZ09.-", 12), Gen.Int[0, 70000], ParserProperties.GrammarText("ab0/_.", 20),
            (host, port, path) => $"{host}:{port}/{path}")),
        (1, Gen.OneOf(Gen.Const("../etc/passwd"), Gen.Const("a/%2e%2e/b"), Gen.Const("a\\b"), Gen.Const("a b"), Gen.Const("A/b"), Gen.Const("a\0"))));

    private static readonly Gen<string> Texts = Gen.Frequency(
        (2, ParserProperties.GrammarText("repositorygcatalog(plugin):/,*._-AZ09 ", 60)),
        (3, Gen.Select(Gen.OneOf(Gen.Const("repository"), Gen.Const("registry"), Gen.Const("Repo"), Gen.Const("")),
            Gen.OneOf(Gen.Const(""), Gen.Const("(plugin)"), Gen.Const("()"), Gen.Const("(x")), Names,
            ParserProperties.GrammarText("pushl*,d", 16),
            (type, cls, name, actions) => $"{type}{cls}:{name}:{actions}")));

    [Fact]
    public void Parsing_agrees_with_the_spec_grammar_and_formatting_gives_the_text_back() =>
        Texts.Sample(text =>
        {
            var match = Grammar.Match(text);
            var parsed = ResourceScope.TryParse(text, out var scope);
            Assert.True(parsed == match.Success, $"'{text}': parser {parsed}, grammar {match.Success}");
            if (!parsed) return;
            Assert.Equal(match.Groups["type"].Value, scope!.Type);
            Assert.Equal(match.Groups["class"].Success ? match.Groups["class"].Value : null, scope.Class);
            Assert.Equal(match.Groups["name"].Value, scope.Name);
            Assert.Equal(text, scope.ToString());
        }, iter: 50_000);

    // A name built by the grammar's productions: [hostname '/'] component ['/' component]*.
    private static readonly Gen<string> Alphanumeric = Gen.Char["az09"].Array[1, 4].Select(c => new string(c));

    private static readonly Gen<string> Components =
        Gen.Select(Alphanumeric, Gen.Select(Gen.OneOf(Gen.Const("_"), Gen.Const("."), Gen.Const("__"), Gen.Const("-"), Gen.Const("---"), Gen.Const("")), Alphanumeric,
            (separator, run) => separator + run).Array[0, 3], (first, rest) => first + string.Concat(rest)).Array[1, 3].Select(c => string.Join('/', c));

    private static readonly Gen<string> Hosts =
        Gen.Select(Gen.Char["aZ9"].Array[1, 3], Gen.Char["aZ9-"].Array[0, 3], Gen.Char["aZ9"].Array[1, 2], (a, b, c) => new string(a) + new string(b) + new string(c))
            .Array[1, 3].Select(labels => string.Join('.', labels))
            .SelectMany(host => Gen.OneOf(Gen.Const(host), Gen.Int[0, 65535].Select(port => $"{host}:{port}")));

    private static readonly Gen<string> ValidNames =
        Gen.Select(Gen.Bool, Hosts, Components, (withHost, host, components) => withHost ? host + "/" + components : components);

    private static readonly Gen<ResourceScope> ValidScopes =
        Gen.Select(Gen.Char["abcxyz0189"].Array[1, 8], Gen.Char["abz09"].Array[0, 6], ValidNames,
            Gen.OneOf(Gen.Const("pull"), Gen.Const("push"), Gen.Const("delete"), Gen.Const("*"), Gen.Char["abcdelpush"].Array[1, 6].Select(c => new string(c))).Array[0, 4],
            (type, cls, name, actions) => new ResourceScope(new string(type), name, actions, cls.Length == 0 ? null : new string(cls)));

    [Fact]
    public void Every_scope_within_the_grammar_round_trips_through_its_formatter() =>
        ValidScopes.Sample(scope =>
        {
            Assert.Matches(Grammar, scope.ToString()); // the generator's own check
            Assert.True(scope.IsWellFormed, scope.ToString());
            Assert.Equal(scope, ResourceScope.Parse(scope.ToString()));
            Assert.Equal(scope.Canonical(), ResourceScope.Parse(scope.Canonical().ToString()));
        }, iter: 20_000);

    [Fact] // the token endpoint's scope parameter: repeated, each space-separated; entries outside the grammar are skipped
    public void A_scope_list_is_each_valid_entry_in_order() =>
        Gen.Select(ValidScopes.Array[0, 5], Texts.Array[0, 3]).Sample((valid, noise) =>
        {
            var values = valid.Select(s => s.ToString()).Concat(noise.Where(n => !ResourceScope.TryParse(n, out _) && !n.Contains(' '))).ToArray();
            Assert.Equal(valid, ResourceScope.ParseList([string.Join(' ', values.Take(2)), string.Join("  ", values.Skip(2))]));
        });
}
