using System.Text;
using System.Text.RegularExpressions;

namespace OrleansRegistry.Core;

/// <summary>A rule's repository pattern (access rules, retention rules): <c>*</c> matches within one path component (no <c>/</c>), <c>**</c> any run including <c>/</c>.</summary>
public sealed class RepositoryPattern
{
    private readonly Regex _regex;

    public RepositoryPattern(string pattern)
    {
        Text = pattern;
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] != '*') { regex.Append(Regex.Escape(pattern[i].ToString())); continue; }
            if (i + 1 < pattern.Length && pattern[i + 1] == '*') { regex.Append(".*"); i++; }
            else regex.Append("[^/]*");
        }
        _regex = new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(1));
    }

    public string Text { get; }

    public bool Matches(string repository) => _regex.IsMatch(repository);
}
