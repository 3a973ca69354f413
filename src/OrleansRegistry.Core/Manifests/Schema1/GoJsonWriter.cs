using System.Text;

namespace OrleansRegistry.Core.Schema1;

/// <summary>
/// Writes JSON the way Go's encoding/json MarshalIndent does (prefix and indent strings, <c>"key": value</c>,
/// empty arrays as <c>[]</c>, HTML-safe string escaping), so the bytes we sign and embed look exactly like what
/// Docker and distribution produce with libtrust. Only the shapes schema1 needs: objects, arrays, strings, integers.
/// A null <paramref name="indent"/> writes compact JSON, as Go's Marshal (<c>"key":value</c>, no line breaks).
/// </summary>
internal sealed class GoJsonWriter(string prefix, string? indent)
{
    private readonly StringBuilder _text = new();
    private readonly Stack<bool> _hasMember = new(); // per open container: has it got an element yet
    private bool _afterName;

    public GoJsonWriter() : this("", "   ") { }

    public override string ToString() => _text.ToString();

    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(_text.ToString());

    public GoJsonWriter StartObject() => Open('{');

    public GoJsonWriter EndObject() => Close('}');

    public GoJsonWriter StartArray() => Open('[');

    public GoJsonWriter EndArray() => Close(']');

    public GoJsonWriter Name(string name)
    {
        BeforeValue();
        WriteQuoted(name);
        _text.Append(indent is null ? ":" : ": ");
        _afterName = true;
        return this;
    }

    public GoJsonWriter String(string value)
    {
        BeforeValue();
        WriteQuoted(value);
        return this;
    }

    public GoJsonWriter Number(long value)
    {
        BeforeValue();
        _text.Append(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return this;
    }

    public GoJsonWriter Property(string name, string value) => Name(name).String(value);

    private GoJsonWriter Open(char bracket)
    {
        BeforeValue();
        _text.Append(bracket);
        _hasMember.Push(false);
        return this;
    }

    private GoJsonWriter Close(char bracket)
    {
        // Go writes an empty object or array as "{}" / "[]", with no line break inside.
        if (_hasMember.Pop()) NewLine(_hasMember.Count);
        _text.Append(bracket);
        return this;
    }

    private void BeforeValue()
    {
        if (_afterName)
        {
            _afterName = false;
            return;
        }
        if (_hasMember.Count == 0) return;
        if (_hasMember.Peek()) _text.Append(',');
        _hasMember.Pop();
        _hasMember.Push(true);
        NewLine(_hasMember.Count);
    }

    private void NewLine(int depth)
    {
        if (indent is null) return;
        _text.Append('\n').Append(prefix);
        for (var i = 0; i < depth; i++) _text.Append(indent);
    }

    // encoding/json encodeState.string with escapeHTML: \" \\ \n \r \t, other controls and <, >, & as \u00XX,
    // U+2028 and U+2029 as \u2028 / \u2029; an unpaired surrogate (invalid UTF-8 in Go's terms) as \ufffd.
    private void WriteQuoted(string value)
    {
        _text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': _text.Append("\\\""); break;
                case '\\': _text.Append("\\\\"); break;
                case '\n': _text.Append("\\n"); break;
                case '\r': _text.Append("\\r"); break;
                case '\t': _text.Append("\\t"); break;
                case '<' or '>' or '&' or < ' ':
                    _text.Append("\\u00").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case '\u2028': _text.Append("\\u2028"); break;
                case '\u2029': _text.Append("\\u2029"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        _text.Append(c).Append(value[++i]);
                    }
                    else if (char.IsSurrogate(c))
                    {
                        _text.Append("\\ufffd");
                    }
                    else
                    {
                        _text.Append(c);
                    }
                    break;
            }
        }
        _text.Append('"');
    }
}
