namespace OrleansRegistry.Server.Endpoints;

/// <summary>end-1: <c>GET /v2/</c> tells clients this is a registry speaking the spec.</summary>
public static class BaseEndpoints
{
    public static IResult Check() => TypedResults.Json(new { });
}
