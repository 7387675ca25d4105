namespace SliceAuth.Tests.Infrastructure;

/// <summary>The API's clock, moved by the tests: real time plus an offset they can advance.</summary>
public sealed class TestClock : TimeProvider
{
    private TimeSpan _offset;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;

    public void Advance(TimeSpan by) => _offset += by;
}
