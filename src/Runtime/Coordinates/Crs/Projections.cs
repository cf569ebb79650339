namespace PodCache.Runtime.Projections;

/// <summary>
/// A map projection between geographic WGS84 (longitude, latitude in degrees) and its own plane (x = easting,
/// y = northing). Implementations transform in place and are safe to share between threads.
/// </summary>
internal interface IProjection
{
    /// <summary>Geographic degrees to the projection's plane, in place (x holds longitudes, y latitudes).</summary>
    void Forward(Span<double> x, Span<double> y);

    /// <summary>The projection's plane to geographic degrees, in place.</summary>
    void Inverse(Span<double> x, Span<double> y);
}

/// <summary>Geographic WGS84 itself: the identity.</summary>
internal sealed class GeographicProjection : IProjection
{
    public static GeographicProjection Instance { get; } = new();

    public void Forward(Span<double> x, Span<double> y)
    {
    }

    public void Inverse(Span<double> x, Span<double> y)
    {
    }
}

/// <summary>
/// Web Mercator (EPSG:3857): the spherical Mercator formulas on the WGS84 semi-major axis, as PROJ's
/// <c>webmerc</c>: <c>x = R·λ</c>, <c>y = R·asinh(tan φ)</c>, inverse <c>φ = atan(sinh(y/R))</c>.
/// </summary>
internal sealed class WebMercatorProjection : IProjection
{
    public const double Radius = 6378137.0;
    private const double DegToRad = Math.PI / 180.0;
    private const double RadToDeg = 180.0 / Math.PI;

    public static WebMercatorProjection Instance { get; } = new();

    public void Forward(Span<double> x, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double lam = x[i] * DegToRad;
            double phi = y[i] * DegToRad;
            x[i] = Radius * lam;
            y[i] = Math.Abs(phi) >= Math.PI / 2 ? double.NaN : Radius * Math.Asinh(Math.Tan(phi));
        }
    }

    public void Inverse(Span<double> x, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = x[i] / Radius * RadToDeg;
            y[i] = Math.Atan(Math.Sinh(y[i] / Radius)) * RadToDeg;
        }
    }
}

/// <summary>
/// Transverse Mercator on the WGS84 ellipsoid by Krüger's series to sixth order in the third flattening n, the
/// method PROJ uses for UTM (its default <c>tmerc</c> algorithm; accurate to a few nanometres within a zone). The
/// conformal latitude is inverted by Newton's method on the conformal tangent, to machine precision.
/// </summary>
/// <remarks>
/// Coefficients from L. Krüger (1912) as tabulated by C. F. F. Karney, "Transverse Mercator with an accuracy of a few
/// nanometers", J. Geodesy 85 (2011), eqs. 35 and 36. Snyder's shorter series (the one many libraries use) differs
/// by millimetres at a zone's edge, enough to change a bilinear result.
/// </remarks>
internal sealed class TransverseMercatorProjection : IProjection
{
    private const double DegToRad = Math.PI / 180.0;
    private const double RadToDeg = 180.0 / Math.PI;
    private const double A = 6378137.0;
    private const double F = 1 / 298.257223563;

    private static readonly double N = F / (2 - F);
    private static readonly double E = Math.Sqrt(F * (2 - F));
    private static readonly double Rectifying = A / (1 + N) * (1 + N * N / 4 + Math.Pow(N, 4) / 64 + Math.Pow(N, 6) / 256);
    private static readonly double[] Alpha = AlphaCoefficients(N);
    private static readonly double[] Beta = BetaCoefficients(N);

    private readonly double _lon0;
    private readonly double _k0;
    private readonly double _falseEasting;
    private readonly double _falseNorthing;

    public TransverseMercatorProjection(double lon0, double k0, double falseEasting, double falseNorthing)
    {
        _lon0 = lon0;
        _k0 = k0;
        _falseEasting = falseEasting;
        _falseNorthing = falseNorthing;
    }

    /// <summary>A UTM zone on WGS84 (EPSG:326zz north, 327zz south).</summary>
    public static TransverseMercatorProjection Utm(int zone, bool north) =>
        new(zone * 6 - 183, 0.9996, 500000, north ? 0 : 10000000);

    public void Forward(Span<double> x, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double lam = NormaliseLongitude(x[i] - _lon0) * DegToRad;
            double phi = y[i] * DegToRad;
            double t = Math.Sinh(Math.Atanh(Math.Sin(phi)) - E * Math.Atanh(E * Math.Sin(phi)));
            double xiP = Math.Atan2(t, Math.Cos(lam));
            double etaP = Math.Atanh(Math.Sin(lam) / Math.Sqrt(1 + t * t));
            double xi = xiP;
            double eta = etaP;
            for (int j = 1; j <= 6; j++)
            {
                xi += Alpha[j] * Math.Sin(2 * j * xiP) * Math.Cosh(2 * j * etaP);
                eta += Alpha[j] * Math.Cos(2 * j * xiP) * Math.Sinh(2 * j * etaP);
            }
            x[i] = _falseEasting + _k0 * Rectifying * eta;
            y[i] = _falseNorthing + _k0 * Rectifying * xi;
        }
    }

    public void Inverse(Span<double> x, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double xi = (y[i] - _falseNorthing) / (_k0 * Rectifying);
            double eta = (x[i] - _falseEasting) / (_k0 * Rectifying);
            double xiP = xi;
            double etaP = eta;
            for (int j = 1; j <= 6; j++)
            {
                xiP -= Beta[j] * Math.Sin(2 * j * xi) * Math.Cosh(2 * j * eta);
                etaP -= Beta[j] * Math.Cos(2 * j * xi) * Math.Sinh(2 * j * eta);
            }
            double sinhEta = Math.Sinh(etaP);
            double sinXi = Math.Sin(xiP);
            double cosXi = Math.Cos(xiP);
            double lam = Math.Atan2(sinhEta, cosXi);
            // The conformal tangent tau' = tan(chi); solve tau' = tau·sqrt(1+σ²) − σ·sqrt(1+τ²) for the geodetic tau.
            double tauP = sinXi / Math.Sqrt(sinhEta * sinhEta + cosXi * cosXi);
            double tau = tauP;
            for (int k = 0; k < 8; k++)
            {
                double sqrt1Tau = Math.Sqrt(1 + tau * tau);
                double sigma = Math.Sinh(E * Math.Atanh(E * tau / sqrt1Tau));
                double taui = tau * Math.Sqrt(1 + sigma * sigma) - sigma * sqrt1Tau;
                double dtau = (tauP - taui) / Math.Sqrt(1 + taui * taui)
                    * (1 + (1 - E * E) * tau * tau) / ((1 - E * E) * sqrt1Tau);
                tau += dtau;
                if (Math.Abs(dtau) < 1e-15 * Math.Max(1, Math.Abs(tau)))
                {
                    break;
                }
            }
            x[i] = NormaliseLongitude(lam * RadToDeg + _lon0);
            y[i] = Math.Atan(tau) * RadToDeg;
        }
    }

    // As PROJ's adjlon: a longitude within rounding of ±180 is left alone.
    private static double NormaliseLongitude(double lon) =>
        lon > 180 + 1e-10 ? lon - 360 : lon < -180 - 1e-10 ? lon + 360 : lon;

    private static double[] AlphaCoefficients(double n)
    {
        double n2 = n * n, n3 = n2 * n, n4 = n3 * n, n5 = n4 * n, n6 = n5 * n;
        return
        [
            0,
            n / 2 - 2 * n2 / 3 + 5 * n3 / 16 + 41 * n4 / 180 - 127 * n5 / 288 + 7891 * n6 / 37800,
            13 * n2 / 48 - 3 * n3 / 5 + 557 * n4 / 1440 + 281 * n5 / 630 - 1983433 * n6 / 1935360,
            61 * n3 / 240 - 103 * n4 / 140 + 15061 * n5 / 26880 + 167603 * n6 / 181440,
            49561 * n4 / 161280 - 179 * n5 / 168 + 6601661 * n6 / 7257600,
            34729 * n5 / 80640 - 3418889 * n6 / 1995840,
            212378941 * n6 / 319334400,
        ];
    }

    private static double[] BetaCoefficients(double n)
    {
        double n2 = n * n, n3 = n2 * n, n4 = n3 * n, n5 = n4 * n, n6 = n5 * n;
        return
        [
            0,
            n / 2 - 2 * n2 / 3 + 37 * n3 / 96 - n4 / 360 - 81 * n5 / 512 + 96199 * n6 / 604800,
            n2 / 48 + n3 / 15 - 437 * n4 / 1440 + 46 * n5 / 105 - 1118711 * n6 / 3870720,
            17 * n3 / 480 - 37 * n4 / 840 - 209 * n5 / 4480 + 5569 * n6 / 90720,
            4397 * n4 / 161280 - 11 * n5 / 504 - 830251 * n6 / 7257600,
            4583 * n5 / 161280 - 108847 * n6 / 3991680,
            20648693 * n6 / 638668800,
        ];
    }
}

/// <summary>A coordinate system read from WKT by ProjNET, transformed to and from geographic WGS84.</summary>
internal sealed class ProjNetProjection : IProjection
{
    private readonly ProjNet.CoordinateSystems.Transformations.MathTransform _toWgs84;
    private readonly ProjNet.CoordinateSystems.Transformations.MathTransform _fromWgs84;
    private readonly object _gate = new();

    public ProjNetProjection(ProjNet.CoordinateSystems.CoordinateSystem cs)
    {
        var factory = new ProjNet.CoordinateSystems.Transformations.CoordinateTransformationFactory();
        var wgs84 = ProjNet.CoordinateSystems.GeographicCoordinateSystem.WGS84;
        _toWgs84 = factory.CreateFromCoordinateSystems(cs, wgs84).MathTransform;
        _fromWgs84 = factory.CreateFromCoordinateSystems(wgs84, cs).MathTransform;
    }

    public void Forward(Span<double> x, Span<double> y) => Apply(_fromWgs84, x, y);

    public void Inverse(Span<double> x, Span<double> y) => Apply(_toWgs84, x, y);

    private void Apply(ProjNet.CoordinateSystems.Transformations.MathTransform t, Span<double> x, Span<double> y)
    {
        // ProjNET's transforms keep state for inverse() and are not documented as thread-safe.
        lock (_gate)
        {
            for (int i = 0; i < x.Length; i++)
            {
                double a = x[i], b = y[i];
                t.Transform(ref a, ref b);
                x[i] = a;
                y[i] = b;
            }
        }
    }
}
