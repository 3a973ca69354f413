namespace OrleansRegistry.Server.Tests.Interop;

/// <summary>
/// Source layouts for a test class, built once: a single-platform image with a ~20 MiB layer and a two-platform
/// image index. Tests only read them; every test pushes them into its own repositories.
/// </summary>
public sealed class InteropLayouts : IDisposable
{
    private readonly TempDirectory _root = new();

    public InteropLayouts()
    {
        Image = OciLayoutBuilder.BuildImage(_root.Child("image"), seed: 11);
        Index = OciLayoutBuilder.BuildIndex(_root.Child("index"), seed: 23);
    }

    public OciLayout Image { get; }

    public OciLayout Index { get; }

    public void Dispose() => _root.Dispose();
}
