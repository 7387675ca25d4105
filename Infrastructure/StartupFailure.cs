namespace SliceAuth.Infrastructure;

/// <summary>A reason the API cannot start, worded for the operator; Program prints it as one line.</summary>
public sealed class StartupFailure(string message) : Exception(message);
