namespace OrleansRegistry.Core;

/// <summary>One error the registry can report: the spec's code, its message, what it means and the HTTP status it is sent with.</summary>
public sealed record ErrorDescriptor(string Code, string Message, string Description, int HttpStatus);
