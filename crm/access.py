"""What a user may see: clearance and group membership, computed once per request."""

from dataclasses import dataclass

from crm.models import PrivacyLevel


@dataclass(frozen=True)
class Access:
    """The privacy levels and groups whose records a user may see."""

    privacy_level_ids: tuple[str, ...]
    group_ids: tuple[str, ...]
    all_groups: bool


def access_for(user) -> Access:
    """The user's access, cached on the user object (one request, two small queries)."""
    cached = getattr(user, "_crm_access", None)
    if cached is not None:
        return cached
    if user.clearance_id is None:
        level_ids: tuple[str, ...] = ()
    else:
        level_ids = tuple(
            PrivacyLevel.objects.filter(number__lte=user.clearance.number).values_list(
                "id", flat=True
            )
        )
    all_groups = user.has_perm("crm.view_all_groups")
    group_ids = () if all_groups else tuple(user.crm_groups.values_list("id", flat=True))
    access = Access(privacy_level_ids=level_ids, group_ids=group_ids, all_groups=all_groups)
    user._crm_access = access
    return access


def can_see(access: Access | None, record) -> bool:
    """Whether a loaded record (with privacy_level_id and owned_by_group_id) is visible;
    the same rule as ``visible_q``, for records reached through another one."""
    if access is None:
        return True
    level = record.privacy_level_id
    if level is not None and level not in access.privacy_level_ids:
        return False
    group = record.owned_by_group_id
    return access.all_groups or group is None or group in access.group_ids


def accesses_for(user_ids) -> dict[str, Access]:
    """The access of many active users at once, in a constant number of queries (the
    background scan decides who may be told about a batch of records)."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    from crm.models import User

    ids = set(user_ids) - {None}
    if not ids:
        return {}
    users = User.objects.filter(pk__in=ids, is_active=True)
    levels = list(PrivacyLevel.objects.values_list("id", "number"))
    clearances = dict(users.values_list("id", "clearance__number"))
    perm = Permission.objects.filter(content_type__app_label="crm", codename="view_all_groups")
    all_groups = set(
        users.filter(
            Q(is_superuser=True) | Q(user_permissions__in=perm) | Q(groups__permissions__in=perm)
        ).values_list("id", flat=True)
    )
    groups: dict[str, list[str]] = {}
    for user_id, group_id in User.crm_groups.through.objects.filter(
        user_id__in=clearances
    ).values_list("user_id", "group_id"):
        groups.setdefault(user_id, []).append(group_id)
    return {
        user_id: Access(
            privacy_level_ids=tuple(
                level for level, number in levels if clearance is not None and number <= clearance
            ),
            group_ids=() if user_id in all_groups else tuple(groups.get(user_id, ())),
            all_groups=user_id in all_groups,
        )
        for user_id, clearance in clearances.items()
    }
