using PodCache.Cache.Keys;

namespace PodCache.Cache.Policies;

/// <summary>
/// A policy that hands out its own record of an entry, so the owning tier can replay a read through that record
/// instead of the policy looking the key up again: the RAM tier replays an entry's reads when the policy offers it as a
/// victim.
/// </summary>
/// <remarks>
/// A handle stays valid from the insert it was taken after until <see cref="IEvictionPolicy.OnRemove"/> of its key;
/// the caller must not use it after that (the RAM tier's slot is marked removed under the same lock). A later insert of
/// the same key, while tracked, keeps the handle. Same threading rules as <see cref="IEvictionPolicy"/>.
/// </remarks>
internal interface IAccessHandles
{
    /// <summary>The record of <paramref name="key"/>, or null when it is not tracked.</summary>
    object? HandleOf(Key key);

    /// <summary>
    /// <paramref name="reads"/> (at least one) reads of the handle's key told at once: the effect of as many calls of
    /// <see cref="IEvictionPolicy.OnAccess"/>, or a one-step approximation of it that the policy documents (LRU moves the
    /// entry once, which is exact; the cost-aware policy counts the batch as touches at the clock's new value).
    /// </summary>
    void OnAccess(object handle, int reads, DateTimeOffset now);
}
