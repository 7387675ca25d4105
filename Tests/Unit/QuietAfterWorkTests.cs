using SliceAuth.Infrastructure;

namespace SliceAuth.Tests.Unit;

public sealed class QuietAfterWorkTests
{
    private const long Mb = 1 << 20;

    [Fact]
    public void a_quiet_second_after_a_burst_is_worth_one_trim()
    {
        var quiet = new QuietAfterWork(1000 * Mb);

        Assert.False(quiet.Tick(1080 * Mb)); // a login: busy
        Assert.False(quiet.Tick(1160 * Mb)); // another
        Assert.True(quiet.Tick(1160 * Mb + 10_000)); // quiet, 160 MB since the start
        quiet.Trimmed(1160 * Mb + 20_000);

        Assert.False(quiet.Tick(1160 * Mb + 30_000)); // quiet again, but nothing since the trim
        Assert.False(quiet.Tick(1160 * Mb + 40_000));
    }

    [Fact]
    public void steady_work_is_never_interrupted()
    {
        var quiet = new QuietAfterWork(0);
        for (var second = 1; second <= 600; second++)
            Assert.False(quiet.Tick(second * 50 * Mb));
    }

    [Fact]
    public void a_small_burst_is_not_worth_a_trim_until_work_adds_up()
    {
        var quiet = new QuietAfterWork(0);

        Assert.False(quiet.Tick(40 * Mb)); // busy
        Assert.False(quiet.Tick(40 * Mb)); // quiet, but 40 MB since the start
        Assert.False(quiet.Tick(63 * Mb + Mb / 2)); // busy: 63.5 MB in all
        Assert.True(quiet.Tick(64 * Mb)); // quiet (half a MB), and 64 MB in all
    }

    [Fact]
    public void light_traffic_is_trimmed_once_per_burst_size()
    {
        var quiet = new QuietAfterWork(0);
        var trims = 0;
        long allocated = 0;
        for (var second = 0; second < 1000; second++)
        {
            allocated += Mb / 2; // every second quiet: half a MB
            if (quiet.Tick(allocated))
            {
                trims++;
                quiet.Trimmed(allocated);
            }
        }
        // 500 MB in 1,000 quiet seconds: one trim per 64 MB.
        Assert.Equal(7, trims);
    }
}
