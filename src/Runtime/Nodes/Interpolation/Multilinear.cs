namespace PodCache.Runtime.Nodes.Interpolation;

/// <summary>
/// PODPAC 4's <c>linear</c> / <c>bilinear</c> interpolation (its XarrayInterpolator: xarray's <c>interp</c>, i.e.
/// scipy's regular-grid multilinear interpolation), separable per dim:
/// <list type="bullet">
/// <item>each request point lies in the cell <c>[s[i], s[i+1]]</c> that scipy's search picks (a point exactly on an
/// interior source point belongs to the cell below it; descending axes are searched flipped);</item>
/// <item>a point outside the source's bounds is NaN (no extrapolation);</item>
/// <item>the value is the weighted sum over the cell's 2^k corners, and a NaN corner makes it NaN even where its
/// weight is zero, as scipy's sum does;</item>
/// <item>a dim where the source has a single point takes that point (xarray selects it as nearest).</item>
/// </list>
/// </summary>
internal static class Multilinear
{
    /// <summary>A request point's cell along one dim: <c>(1 − W)·v[Lo] + W·v[Hi]</c>; <c>Lo = −1</c> means NaN.</summary>
    internal readonly record struct Cell(int Lo, int Hi, double W);

    /// <summary>The cells of <paramref name="request"/>'s values along <paramref name="source"/>.</summary>
    public static Cell[] Cells(Coordinates1D source, ReadOnlySpan<double> request)
    {
        var cells = new Cell[request.Length];
        int n = source.Size;
        if (n == 0)
        {
            cells.AsSpan().Fill(new Cell(-1, -1, 0));
            return cells;
        }
        if (n == 1)
        {
            cells.AsSpan().Fill(new Cell(0, 0, 0));
            for (int i = 0; i < request.Length; i++)
            {
                if (double.IsNaN(request[i])) cells[i] = new Cell(-1, -1, 0);
            }
            return cells;
        }
        var s = source.Points;
        bool descending = s[1] < s[0];
        // The ascending view a[k] = s[descending ? n-1-k : k].
        var a = new double[n];
        for (int k = 0; k < n; k++) a[k] = descending ? s[n - 1 - k] : s[k];
        for (int i = 0; i < request.Length; i++)
        {
            double x = request[i];
            if (!(x >= a[0] && x <= a[n - 1]))
            {
                cells[i] = new Cell(-1, -1, 0);
                continue;
            }
            // numpy searchsorted (left) − 1, clipped to [0, n−2].
            int j = LowerBound(a, x) - 1;
            j = Math.Clamp(j, 0, n - 2);
            double w = (x - a[j]) / (a[j + 1] - a[j]);
            cells[i] = descending ? new Cell(n - 1 - j, n - 2 - j, w) : new Cell(j, j + 1, w);
        }
        return cells;
    }

    private static int LowerBound(double[] a, double x)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>
    /// Interpolates <paramref name="src"/> (row-major, <paramref name="strides"/>) into <paramref name="dst"/>, whose
    /// cell <c>d</c> takes in dim <c>k</c> the cell <c>cells[k][pick(k, index)]</c>; <paramref name="pick"/> maps a
    /// dim and the output's index along it to an entry of that dim's cells (the index itself for a grid).
    /// </summary>
    public static void Interpolate(double[] src, long[] strides, Cell[][] cells, int[] shape, Func<int, int[], int> pick, double[] dst)
    {
        int rank = shape.Length;
        if (dst.Length == 0)
        {
            return;
        }
        if (rank == 0)
        {
            dst[0] = src[0];
            return;
        }
        var idx = new int[rank];
        var chosen = new Cell[rank];
        int corners = 1 << rank;
        for (int d = 0; d < dst.Length; d++)
        {
            bool missing = false;
            for (int k = 0; k < rank; k++)
            {
                chosen[k] = cells[k][pick(k, idx)];
                if (chosen[k].Lo < 0)
                {
                    missing = true;
                    break;
                }
            }
            if (missing)
            {
                dst[d] = double.NaN;
            }
            else
            {
                double sum = 0;
                for (int c = 0; c < corners; c++)
                {
                    double w = 1;
                    long off = 0;
                    for (int k = 0; k < rank; k++)
                    {
                        bool hi = (c >> k & 1) == 1;
                        var cell = chosen[k];
                        if (cell.Lo == cell.Hi)
                        {
                            if (hi)
                            {
                                w = 0;
                                break;
                            }
                            off += cell.Lo * strides[k];
                            continue;
                        }
                        w *= hi ? cell.W : 1 - cell.W;
                        off += (hi ? cell.Hi : cell.Lo) * strides[k];
                    }
                    if (w == 0 && c > 0 && AnyDegenerateHigh(chosen, c))
                    {
                        continue;
                    }
                    sum += w * src[off];
                }
                dst[d] = sum;
            }
            for (int k = rank - 1; k >= 0; k--)
            {
                if (++idx[k] < shape[k]) break;
                idx[k] = 0;
            }
        }
    }

    /// <summary>True when corner <paramref name="c"/> takes the high side of a single-point dim (a corner that does not exist).</summary>
    private static bool AnyDegenerateHigh(Cell[] chosen, int c)
    {
        for (int k = 0; k < chosen.Length; k++)
        {
            if ((c >> k & 1) == 1 && chosen[k].Lo == chosen[k].Hi) return true;
        }
        return false;
    }
}
