namespace PodCache.Cli;

/// <summary>The CLI's exit codes (SPEC §8).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int InvalidInput = 2;
}
