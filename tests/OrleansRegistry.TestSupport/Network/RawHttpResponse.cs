using System.Text;

namespace OrleansRegistry.TestSupport.Network;

/// <summary>A response read off a raw connection; header names lower-cased.</summary>
public sealed record RawHttpResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);
}
