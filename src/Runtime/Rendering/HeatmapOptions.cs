namespace PodCache.Runtime.Rendering;

/// <summary>Settings of <see cref="HeatmapRenderer.RenderPng"/>; validated when set.</summary>
public sealed class HeatmapOptions
{
    private int _targetSize = 480;
    private int _maxSize = 1024;
    private int _textScale = 2;

    /// <summary>
    /// The size in pixels the longer side of the plot grows towards: small grids are upscaled by the largest integer
    /// factor that keeps that side at or under it (default 480).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 16..4096.</exception>
    public int TargetSize
    {
        get => _targetSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 16);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 4096);
            _targetSize = value;
        }
    }

    /// <summary>
    /// The largest number of cells drawn along either axis (default 1024); larger grids are downsampled by taking every
    /// n-th cell, so the plot never exceeds this many pixels per side.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 16..8192.</exception>
    public int MaxSize
    {
        get => _maxSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 16);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 8192);
            _maxSize = value;
        }
    }

    /// <summary>Pixel size of the 5 x 7 font's dots (default 2).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1..4.</exception>
    public int TextScale
    {
        get => _textScale;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 4);
            _textScale = value;
        }
    }

    /// <summary>The value mapped to the bottom of the colour map; the smallest finite value when null.</summary>
    public double? Min { get; set; }

    /// <summary>The value mapped to the top of the colour map; the largest finite value when null.</summary>
    public double? Max { get; set; }

    /// <summary>A title drawn above the plot (printable ASCII; other characters show as boxes). None when null.</summary>
    public string? Title { get; set; }
}
