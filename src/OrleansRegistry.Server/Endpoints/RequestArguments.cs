using OrleansRegistry.Core;
using OrleansRegistry.Server.Hosting.Limits;

namespace OrleansRegistry.Server.Endpoints;

/// <summary>Parsing of the query and header arguments endpoints share; each failure is the spec's error.</summary>
public static class RequestArguments
{
    /// <summary>The page without <c>n</c> (or the cap, when lower).</summary>
    public const int DefaultPageSize = 1000;

    /// <summary>A digest argument that must be well-formed and of a supported algorithm.</summary>
    public static Digest RequireDigest(string? value, string what = "digest")
    {
        if (string.IsNullOrEmpty(value)) throw new RegistryException(ErrorCatalog.DigestInvalid, $"{what} is missing");
        if (!Digest.TryParse(value, out var digest))
            throw new RegistryException(ErrorCatalog.DigestInvalid, $"{what} '{value}' is not a valid digest");
        if (!digest.IsSupported)
            throw new RegistryException(ErrorCatalog.DigestInvalid, $"{what} '{value}': unsupported algorithm or length (sha256, sha512)");
        return digest;
    }

    /// <summary>
    /// The page of a list: <c>n</c> and <c>last</c> (spec: "Listing Tags"). <c>n</c> above the cap
    /// (<see cref="LimitsOptions.MaxPageSize"/>) is served as the cap: the spec allows fewer than <c>n</c> results when
    /// a <c>Link</c> says where the rest is, which <see cref="Pagination"/> adds; the response names the cap.
    /// </summary>
    public static (int Limit, string? Last) Page(HttpRequest request)
    {
        var maxPageSize = request.HttpContext.RequestServices.GetRequiredService<LimitsOptions>().MaxPageSize;
        request.HttpContext.Response.Headers[RegistryHeaders.MaxPageSize] = maxPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var last = request.Query["last"].ToString();
        var n = request.Query["n"].ToString();
        long limit = Math.Min(DefaultPageSize, maxPageSize);
        if (n.Length > 0 && !long.TryParse(n, System.Globalization.NumberStyles.None, null, out limit))
        {
            // Digits only, but beyond a long: still a valid request for "many", served as the largest page.
            if (!n.All(char.IsAsciiDigit))
                throw new RegistryException(ErrorCatalog.PaginationNumberInvalid, $"n '{n}' is not a non-negative integer");
            limit = maxPageSize;
        }
        // Names and tags never contain NUL (PostgreSQL text can't either); cutting there selects the same page.
        var nul = last.IndexOf('\0');
        if (nul >= 0) last = last[..nul];
        return ((int)Math.Min(limit, maxPageSize), last.Length > 0 ? last : null);
    }

    /// <summary>The declared body length, or null when the body is chunked or absent.</summary>
    public static long? ContentLength(HttpRequest request) => request.ContentLength;

    /// <summary>True when the request carries a body (a declared length above zero, or chunked transfer).</summary>
    public static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
}
