using System.Globalization;

namespace PodCache.Runtime.Nodes.Algorithms.Kernels;

/// <summary>
/// The 1-D windows behind Convolution's <c>kernel_type</c> (<c>"name,N[,params]"</c>): <c>mean</c> (ones) and the
/// <c>scipy.signal.windows</c> functions PodCache implements, with scipy's formulas (symmetric windows).
/// </summary>
internal static class KernelWindows
{
    /// <summary>The supported window names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mean", "gaussian", "boxcar", "triang", "bartlett", "hann", "hamming", "blackman"];

    /// <summary>Parses <paramref name="kernelType"/> into its 1-D window; false with a message when it is not valid.</summary>
    public static bool TryParse(string kernelType, out string name, out double[] window, out string error) =>
        TryParse(kernelType, 1, int.MaxValue, out name, out window, out error);

    /// <summary>
    /// Parses <paramref name="kernelType"/> into its 1-D window for a kernel of <paramref name="rank"/> axes, refusing
    /// (before building the window) a size whose kernel would have more than <paramref name="maxCells"/> taps.
    /// </summary>
    public static bool TryParse(string kernelType, int rank, long maxCells, out string name, out double[] window, out string error)
    {
        window = [];
        error = "";
        var parts = kernelType.Split(',');
        name = parts[0].Trim();
        if (!Names.Contains(name))
        {
            error = $"unsupported kernel type '{name}' in \"{kernelType}\"; supported: {string.Join(", ", Names)} " +
                "(as \"mean,N\", \"gaussian,N,std\" or \"NAME,N\")";
            return false;
        }
        if (parts.Length < 2 || !int.TryParse(parts[1].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int size))
        {
            error = $"\"{kernelType}\" needs an integer kernel size after the name, e.g. \"{name},3{(name == "gaussian" ? ",1" : "")}\"";
            return false;
        }
        if (size < 1)
        {
            error = $"the kernel size in \"{kernelType}\" must be at least 1";
            return false;
        }
        long cells = Execution.RuntimeLimits.SaturatingProduct(Enumerable.Repeat((long)size, Math.Max(rank, 1)));
        if (cells > maxCells)
        {
            error = string.Create(CultureInfo.InvariantCulture,
                $"the kernel \"{kernelType}\" over {Math.Max(rank, 1)} dim(s) has {Execution.RuntimeLimits.DescribeCells(cells).Replace(" points", " taps", StringComparison.Ordinal)}; at most {maxCells:N0} are allowed (limits.maxKernelCells)");
            return false;
        }
        if (name == "mean")
        {
            // PODPAC ignores anything after the size of a mean kernel.
            window = Ones(size);
            return true;
        }
        int parameters = parts.Length - 2;
        if (name == "gaussian")
        {
            if (parameters != 1 || !TryParseFloat(parts[2], out double std) || !double.IsFinite(std) || std == 0)
            {
                error = $"\"{kernelType}\": a gaussian kernel is \"gaussian,N,std\" with one finite, non-zero std";
                return false;
            }
            window = Gaussian(size, std);
            return true;
        }
        if (parameters != 0)
        {
            error = $"\"{kernelType}\": a {name} kernel takes no parameters after its size (\"{name},N\")";
            return false;
        }
        window = name switch
        {
            "boxcar" => Ones(size),
            "triang" => Triang(size),
            "bartlett" => Bartlett(size),
            "hann" => GeneralCosine(size, [0.5, 1.0 - 0.5]),
            "hamming" => GeneralCosine(size, [0.54, 1.0 - 0.54]),
            _ => GeneralCosine(size, [0.42, 0.50, 0.08]),
        };
        return true;
    }

    private static bool TryParseFloat(string text, out double value)
    {
        var t = text.Trim();
        switch (t.ToLowerInvariant())
        {
            case "nan" or "+nan" or "-nan":
                value = double.NaN;
                return true;
            case "inf" or "+inf" or "infinity" or "+infinity":
                value = double.PositiveInfinity;
                return true;
            case "-inf" or "-infinity":
                value = double.NegativeInfinity;
                return true;
        }
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static double[] Ones(int m)
    {
        var w = new double[m];
        w.AsSpan().Fill(1.0);
        return w;
    }

    /// <summary><c>exp(−n²/(2·std²))</c> for <c>n = i − (M−1)/2</c>.</summary>
    private static double[] Gaussian(int m, double std)
    {
        if (m == 1)
        {
            return [1.0];
        }
        var w = new double[m];
        double sig2 = 2 * std * std;
        for (int i = 0; i < m; i++)
        {
            double n = i - (m - 1.0) / 2.0;
            w[i] = Math.Exp(-(n * n) / sig2);
        }
        return w;
    }

    private static double[] Triang(int m)
    {
        if (m == 1)
        {
            return [1.0];
        }
        int half = (m + 1) / 2;
        var w = new double[m];
        for (int k = 1; k <= half; k++)
        {
            double v = m % 2 == 0 ? (2.0 * k - 1.0) / m : 2.0 * k / (m + 1.0);
            w[k - 1] = v;
            w[m - k] = v;
        }
        return w;
    }

    private static double[] Bartlett(int m)
    {
        if (m == 1)
        {
            return [1.0];
        }
        var w = new double[m];
        for (int n = 0; n < m; n++)
        {
            w[n] = n <= (m - 1) / 2.0 ? 2.0 * n / (m - 1) : 2.0 - 2.0 * n / (m - 1);
        }
        return w;
    }

    /// <summary>scipy's <c>general_cosine</c>: <c>Σ a[k]·cos(k·x)</c> over <c>x = linspace(−π, π, M)</c>.</summary>
    private static double[] GeneralCosine(int m, double[] a)
    {
        if (m == 1)
        {
            return [1.0];
        }
        var w = new double[m];
        double step = (Math.PI - -Math.PI) / (m - 1);
        for (int i = 0; i < m; i++)
        {
            double x = i == m - 1 ? Math.PI : i * step + -Math.PI;
            double sum = 0;
            for (int k = 0; k < a.Length; k++)
            {
                sum += a[k] * Math.Cos(k * x);
            }
            w[i] = sum;
        }
        return w;
    }
}
