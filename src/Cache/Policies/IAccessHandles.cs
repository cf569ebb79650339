using PodCache.Cache.Keys;

namespace PodCache.Cache.Policies;

/// <summary>
/// A policy that hands out its own record of an entry, so the owning tier can replay a read through that record
/// instead of the policy looking the key up again: the RAM tier replays every hit, and the lookup was a third of
/// the replay's cache misses.
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

    /// <summary>The same as <see cref="IEvictionPolicy.OnAccess"/> for the handle's key.</summary>
    void OnAccess(object handle, DateTimeOffset now);
}
