using System.Globalization;
using BitMiracle.LibTiff.Classic;

namespace PodCache.Runtime.Raster;

/// <summary>
/// Routes LibTiff's errors to the <see cref="LibTiffSession"/> of the image they concern and drops warnings.
/// LibTiff's handler is process-wide (its default prints every problem of every file to stderr, which would litter
/// CLI output and server logs), so it is installed once; it keeps no state of its own, so concurrent images do not
/// interfere.
/// </summary>
internal sealed class LibTiffErrorHandler : TiffErrorHandler
{
    private static readonly bool Installed = Install();

    private LibTiffErrorHandler()
    {
    }

    /// <summary>Installs the handler (once per process).</summary>
    public static void EnsureInstalled() => _ = Installed;

    private static bool Install()
    {
        Tiff.SetErrorHandler(new LibTiffErrorHandler());
        return true;
    }

    public override void ErrorHandler(Tiff tif, string method, string format, params object[] args)
    {
        // LibTiff calls both variants; the one with client data does the work.
    }

    public override void ErrorHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args)
    {
        if (clientData is LibTiffSession session)
        {
            session.AddError(Format(format, args));
        }
    }

    public override void WarningHandler(Tiff tif, string method, string format, params object[] args)
    {
    }

    public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args)
    {
    }

    private static string Format(string format, object[] args)
    {
        try
        {
            return args is { Length: > 0 } ? string.Format(CultureInfo.InvariantCulture, format, args) : format;
        }
        catch (FormatException)
        {
            return format;
        }
    }
}
