namespace PodCache.Cli.Tests;

/// <summary>The terminal progress line of <c>podcache run</c>: quiet for fast runs, throttled, erased at the end.</summary>
public class ProgressLineTests
{
    private sealed class ManualTime : TimeProvider
    {
        public long Ticks { get; set; }

        public override long GetTimestamp() => Ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public void Advance(TimeSpan by) => Ticks += by.Ticks;
    }

    [Fact]
    public void FastRuns_DrawNothing()
    {
        var time = new ManualTime();
        var err = new StringWriter();
        using (var line = new ProgressLine(err, time))
        {
            time.Advance(TimeSpan.FromMilliseconds(400));
            line.Update(1, 2);
            line.Update(2, 2);
        }
        Assert.Equal("", err.ToString());
    }

    [Fact]
    public void SlowRuns_DrawABarThrottledTo10PerSecond_AndEraseItOnDispose()
    {
        var time = new ManualTime();
        var err = new StringWriter();
        var line = new ProgressLine(err, time);
        time.Advance(TimeSpan.FromMilliseconds(600));
        line.Update(3, 10);
        Assert.Contains("\r[#########.....................] 3/10 nodes  0.6 s", err.ToString());
        time.Advance(TimeSpan.FromMilliseconds(50));
        line.Update(4, 10);
        Assert.DoesNotContain("4/10", err.ToString());
        time.Advance(TimeSpan.FromMilliseconds(60));
        line.Update(5, 10);
        Assert.Contains("5/10 nodes", err.ToString());
        line.Dispose();
        Assert.EndsWith("\r" + new string(' ', 60) + "\r", err.ToString());
    }

    [Fact]
    public void NotATerminal_OrDisabled_NoLine()
    {
        Assert.Null(ProgressLine.ForTerminal(new StringWriter(), disabled: false));
        Assert.Null(ProgressLine.ForTerminal(Console.Error, disabled: true));
    }
}
