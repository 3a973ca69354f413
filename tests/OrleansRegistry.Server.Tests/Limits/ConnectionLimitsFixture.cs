namespace OrleansRegistry.Server.Tests.Limits;

/// <summary>
/// A registry with short connection limits: request bodies must keep up <see cref="MinBodyBytesPerSecond"/> after a
/// 2 s grace period, and a connection gets <see cref="HeaderTimeoutSeconds"/> to send its headers, or to send the next
/// request when idle.
/// </summary>
public sealed class ConnectionLimitsFixture : RegistryFixture
{
    public const int MinBodyBytesPerSecond = 5000;
    public const int HeaderTimeoutSeconds = 3;

    public ConnectionLimitsFixture()
    {
        Settings["Registry__Limits__MinRequestBodyDataRate__BytesPerSecond"] = MinBodyBytesPerSecond.ToString();
        Settings["Registry__Limits__MinRequestBodyDataRate__GracePeriod"] = "00:00:02";
        Settings["Registry__Limits__RequestHeadersTimeout"] = $"00:00:0{HeaderTimeoutSeconds}";
        Settings["Registry__Limits__KeepAliveTimeout"] = $"00:00:0{HeaderTimeoutSeconds}";
    }
}
