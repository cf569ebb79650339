using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace PodCache.Cache.Keys;

/// <summary>
/// SHA-256 of the short texts keys hash (100-400 bytes, two per planned node). On Linux, up to 4 KiB, it calls libcrypto's
/// <c>SHA256_Init</c>, <c>SHA256_Update</c> and <c>SHA256_Final</c> directly, over a context on the stack; otherwise, or
/// when that library or those symbols are missing or fail a known-answer check at load,
/// <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/>. The digest is the same either way: only the path differs.
/// </summary>
/// <remarks>
/// The BCL's one-shot (and OpenSSL 3's own <c>SHA256()</c>) goes through the EVP layer, whose per-call set-up (a context
/// allocated and freed, the algorithm fetched from the provider) costs several times the compression of a key's two to
/// seven blocks: about 0.5-0.8 us a hash against 0.1-0.2 us here, twice per node of a plan. The three functions keep
/// no state outside the caller's context, so they are safe on any thread; each call is short and never blocks or calls
/// back, which is what suppressing the GC transition requires.
/// </remarks>
internal static unsafe class Sha256
{
    // OpenSSL's SHA256_CTX is 112 bytes (eight state words, the bit count, a 64-byte block, two counters); room to spare.
    private const int ContextBytes = 256;

    // Longer inputs take the BCL: a call without a GC transition must stay short (4 KiB hash in a few microseconds),
    // and past a few blocks the EVP set-up no longer matters.
    private const int MaxNativeBytes = 4096;

    private static readonly Native? Functions = Load();

    /// <summary>True when hashes go straight to libcrypto (for tests and diagnostics).</summary>
    public static bool IsNative => Functions is not null;

    /// <summary>Writes the SHA-256 of <paramref name="data"/> to the first 32 bytes of <paramref name="digest"/>.</summary>
    public static void HashData(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        Debug.Assert(digest.Length >= 32);
        if (Functions is not { } f || data.Length > MaxNativeBytes)
        {
            SHA256.HashData(data, digest);
            return;
        }
        f.Hash(data, digest);
    }

    private sealed class Native(
        delegate* unmanaged[SuppressGCTransition]<byte*, int> init,
        delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int> update,
        delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int> final)
    {
        public void Hash(ReadOnlySpan<byte> data, Span<byte> digest)
        {
            byte* context = stackalloc byte[ContextBytes];
            fixed (byte* d = data)
            fixed (byte* md = digest)
            {
                init(context);
                if (!data.IsEmpty)
                {
                    update(context, d, (nuint)data.Length);
                }
                final(md, context);
            }
        }
    }

    private static Native? Load()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        // The sonames .NET's own OpenSSL shim looks for, newest first.
        foreach (var name in (ReadOnlySpan<string>)["libcrypto.so.3", "libcrypto.so.1.1"])
        {
            if (NativeLibrary.TryLoad(name, out var lib)
                && NativeLibrary.TryGetExport(lib, "SHA256_Init", out var init)
                && NativeLibrary.TryGetExport(lib, "SHA256_Update", out var update)
                && NativeLibrary.TryGetExport(lib, "SHA256_Final", out var final))
            {
                var native = new Native(
                    (delegate* unmanaged[SuppressGCTransition]<byte*, int>)init,
                    (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int>)update,
                    (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int>)final);
                if (AgreesWithBcl(native))
                {
                    return native;
                }
            }
        }
        return null;
    }

    /// <summary>Hashes inputs of one, two and several blocks (and the block and padding boundaries) both ways.</summary>
    private static bool AgreesWithBcl(Native native)
    {
        Span<byte> data = stackalloc byte[300];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i * 31 + 7);
        }
        Span<byte> expected = stackalloc byte[32];
        Span<byte> actual = stackalloc byte[32];
        foreach (int n in (ReadOnlySpan<int>)[0, 1, 3, 55, 56, 63, 64, 65, 129, 300])
        {
            SHA256.HashData(data[..n], expected);
            native.Hash(data[..n], actual);
            if (!actual.SequenceEqual(expected))
            {
                return false;
            }
        }
        return true;
    }
}
