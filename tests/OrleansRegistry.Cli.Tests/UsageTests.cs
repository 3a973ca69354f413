using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansRegistry.Cli.Parsing;

namespace OrleansRegistry.Cli.Tests;

/// <summary>Wrong command lines end with exit code 2 and say what is wrong, before any registry is contacted.</summary>
public sealed class UsageTests
{
    [Theory]
    [InlineData]                                                   // no command
    [InlineData("frobnicate")]                                     // unknown command
    [InlineData("push", "only-one-argument")]                      // too few arguments
    [InlineData("tags", "127.0.0.1:5000/team/app", "extra")]       // too many
    [InlineData("pull", "team/app:v1", "dir")]                     // no registry host
    [InlineData("pull", "127.0.0.1:5000/Team/App", "dir")]         // repository grammar: lowercase only
    [InlineData("pull", "127.0.0.1:5000/team/app:-bad", "dir")]    // tag grammar
    [InlineData("pull", "127.0.0.1:5000/team/app@sha256:abc", "dir")] // not a sha256 digest
    [InlineData("--window", "0", "tags", "127.0.0.1:5000/team/app")]
    [InlineData("--window", "many", "tags", "127.0.0.1:5000/team/app")]
    [InlineData("tags", "127.0.0.1:5000/team/app", "--window")]    // option without its value
    [InlineData("tags", "127.0.0.1:5000/team/app", "--bogus")]     // unknown option
    [InlineData("tags", "127.0.0.1:5000/team/app", "--raw")]       // another command's option
    [InlineData("tags", "127.0.0.1:5000/team/app:v1")]             // tags takes a repository only
    [InlineData("delete", "127.0.0.1:5000/team/app")]              // delete has no default tag
    [InlineData("push", "dir:v1", "127.0.0.1:5000/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("sign", "in.json", "out.json")]                    // --key missing
    [InlineData("catalog", "127.0.0.1:5000/team")]                 // a catalog takes a registry only
    [InlineData("--ca-file", "/nonexistent/ca.pem", "tags", "127.0.0.1:5000/team/app")]
    [InlineData("--ca-file=", "tags", "127.0.0.1:5000/team/app")]  // an empty file name
    [InlineData("--plain-http", "--insecure", "tags", "127.0.0.1:5000/team/app")]      // TLS options without TLS
    [InlineData("--plain-http", "--ca-file", "ca.pem", "tags", "127.0.0.1:5000/team/app")]
    [InlineData("tags", "127.0.0.1:5000/team/app", "--insecure=yes")]  // a flag takes no value
    public async Task A_wrong_command_line_exits_2_with_a_message(params string[] args)
    {
        var result = (await Oreg.RunAsync(args)).Expect(ExitCodes.Usage);
        Assert.False(string.IsNullOrWhiteSpace(result.Stderr));
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task A_missing_host_is_explained()
    {
        var result = (await Oreg.RunAsync("manifest", "team/app:v1")).Expect(ExitCodes.Usage);
        Assert.Contains("names no registry host", result.Stderr);
        Assert.Contains("Run 'oreg manifest --help'", result.Stderr);
    }

    [Theory]
    [InlineData("missing", "cannot read CA certificates")]
    [InlineData("directory", "cannot read CA certificates")]
    [InlineData("not PEM at all\n", "holds no PEM certificate")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "holds no PEM certificate")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n", "cannot read CA certificates")]
    public async Task A_bad_ca_file_is_a_usage_error_naming_the_file(string content, string message)
    {
        using var temp = new TempDirectory();
        var path = temp.Child("ca.pem");
        if (content == "directory")
            Directory.CreateDirectory(path);
        else if (content != "missing")
            await File.WriteAllTextAsync(path, content);

        var result = (await Oreg.RunAsync("--ca-file", path, "tags", "127.0.0.1:5000/team/app")).Expect(ExitCodes.Usage);
        Assert.StartsWith($"error: --ca-file '{path}'", result.Stderr);
        Assert.Contains(message, result.Stderr);
        Assert.Contains("Run 'oreg tags --help'", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void Ca_file_comes_from_the_option_else_OREG_CA_FILE_and_only_the_options_turn_loopback_to_https()
    {
        using var temp = new TempDirectory();
        var optionFile = WriteCertificates(temp.Child("option.pem"), "CN=option one", "CN=option two");
        var environmentFile = WriteCertificates(temp.Child("environment.pem"), "CN=environment");
        var environment = new Dictionary<string, string> { [GlobalOptions.CaFileVariable] = environmentFile };

        var none = GlobalOptions.From(new Dictionary<string, string?>(), _ => null);
        Assert.Equal((null, null, false, false), (none.CaFile, none.CaCertificates, none.Insecure, none.TlsForLoopback));

        var fromOption = GlobalOptions.From(new Dictionary<string, string?> { ["ca-file"] = optionFile }, environment.GetValueOrDefault);
        Assert.Equal(optionFile, fromOption.CaFile);
        Assert.Equal(["CN=option one", "CN=option two"], fromOption.CaCertificates!.Select(c => c.Subject));
        Assert.True(fromOption.TlsForLoopback);
        Assert.False(fromOption.Insecure);
        Assert.Contains($"CaFile = {optionFile}", fromOption.ToString());

        // The environment adds trust but leaves a local plain-http registry alone.
        var fromEnvironment = GlobalOptions.From(new Dictionary<string, string?>(), environment.GetValueOrDefault);
        Assert.Equal(environmentFile, fromEnvironment.CaFile);
        Assert.Equal("CN=environment", Assert.Single(fromEnvironment.CaCertificates!).Subject);
        Assert.False(fromEnvironment.TlsForLoopback);

        // --plain-http checks no certificate, so it does not read OREG_CA_FILE (not even a broken one).
        var plain = GlobalOptions.From(new Dictionary<string, string?> { ["plain-http"] = null },
            _ => temp.Child("missing.pem"));
        Assert.Null(plain.CaFile);
        var brokenEnvironment = Assert.Throws<UsageException>(() =>
            GlobalOptions.From(new Dictionary<string, string?>(), _ => temp.Child("missing.pem")));
        Assert.StartsWith(GlobalOptions.CaFileVariable, brokenEnvironment.Message);

        var insecure = GlobalOptions.From(new Dictionary<string, string?> { ["insecure"] = null }, _ => null);
        Assert.Equal((true, true, null), (insecure.Insecure, insecure.TlsForLoopback, insecure.CaFile));
        Assert.Contains("Insecure = True", insecure.ToString());
    }

    private static string WriteCertificates(string path, params string[] subjects)
    {
        var pem = new System.Text.StringBuilder();
        foreach (var subject in subjects)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var certificate = new CertificateRequest(subject, key, HashAlgorithmName.SHA256)
                .CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
            pem.Append(certificate.ExportCertificatePem()).Append('\n');
        }
        File.WriteAllText(path, pem.ToString());
        return path;
    }

    [Fact]
    public async Task Help_lists_every_command_and_exits_0()
    {
        var result = (await Oreg.RunAsync("--help")).Succeeded();
        foreach (var command in new[] { "push", "pull", "copy", "tags", "catalog", "manifest", "delete", "sign", "verify" })
            Assert.Contains($"\n  {command} ", result.StdoutText);
        Assert.Contains("--plain-http", result.StdoutText);
        Assert.Contains("--ca-file FILE", result.StdoutText);
        Assert.Contains("--insecure", result.StdoutText);
        Assert.Contains("OREG_CA_FILE", result.StdoutText);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task Help_after_a_command_shows_its_options()
    {
        var result = (await Oreg.RunAsync("manifest", "-h")).Succeeded();
        Assert.StartsWith("usage: oreg [options] manifest ", result.StdoutText);
        Assert.Contains("--raw", result.StdoutText);
    }
}
