using System.Text.Json.Nodes;
using CsCheck;

namespace PodCache.Runtime.Tests.Execution;

/// <summary>Seeded random pipelines (DAGs of leaves and Arithmetic nodes) for property tests of keys.</summary>
internal static class RandomPipelines
{
    public sealed record Spec(int[][] Inputs, int[] Kinds, int[] Constants);

    public static readonly Gen<Spec> Gen =
        CsCheck.Gen.Int[2, 9].SelectMany(n =>
            CsCheck.Gen.Int[0, 2].Array[n].SelectMany(kinds =>
                CsCheck.Gen.Int[0, 100].Array[n].SelectMany(consts =>
                    CsCheck.Gen.Int[0, 1000].Array[n * 3].Select(picks =>
                    {
                        var inputs = new int[n][];
                        for (int i = 0; i < n; i++)
                        {
                            if (i == 0 || kinds[i] != 2)
                            {
                                inputs[i] = [];
                                continue;
                            }
                            int count = 1 + picks[3 * i] % Math.Min(3, i);
                            inputs[i] = Enumerable.Range(0, count).Select(j => picks[3 * i + j] % i).Distinct().ToArray();
                        }
                        var k = kinds.Select((x, i) => i == 0 ? Math.Min(x, 1) : x).ToArray();
                        return new Spec(inputs, k, consts);
                    }))));

    /// <summary>The pipeline JSON with refs named by <paramref name="name"/>, members in the given order.</summary>
    public static JsonObject Build(Spec spec, Func<int, string> name, bool reverseOrder = false, bool spellDefaults = false)
    {
        var nodes = new List<(string, JsonObject)>();
        int n = spec.Kinds.Length;
        for (int i = 0; i < n; i++)
        {
            JsonObject def;
            if (spec.Inputs[i].Length == 0)
            {
                def = spec.Kinds[i] == 0
                    ? new JsonObject { ["node"] = "algorithm.SinCoords" }
                    : new JsonObject { ["node"] = "core.algorithm.utility.Arange" };
                if (spellDefaults)
                {
                    def["attrs"] = new JsonObject { ["xarray_floating_point_correction"] = false };
                }
            }
            else
            {
                var inputs = new JsonObject();
                var names = spec.Inputs[i].Select((_, j) => ((char)('A' + j)).ToString()).ToArray();
                for (int j = 0; j < names.Length; j++) inputs[names[j]] = name(spec.Inputs[i][j]);
                string eqn = string.Join(" + ", names) + $" * {spec.Constants[i]}";
                var attrs = new JsonObject { ["eqn"] = eqn };
                if (spellDefaults)
                {
                    attrs["params"] = new JsonObject();
                    attrs["units"] = null;
                }
                def = reverseOrder
                    ? new JsonObject { ["attrs"] = attrs, ["inputs"] = inputs, ["node"] = "algorithm.Arithmetic" }
                    : new JsonObject { ["node"] = "core.algorithm.generic.Arithmetic", ["inputs"] = inputs, ["attrs"] = attrs };
            }
            nodes.Add((name(i), def));
        }
        if (reverseOrder) nodes.Reverse();
        var o = new JsonObject();
        foreach (var (r, d) in nodes) o[r] = d;
        o["podpac_output_node"] = name(n - 1);
        return o;
    }
}
