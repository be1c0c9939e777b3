"""The delivery outbox: who gets an article (matched in SQL, set-based), and its queue states."""

from __future__ import annotations

from sqlalchemy import and_, exists, insert, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    ArticleCommune,
    ArticleTopic,
    Delivery,
    DeliveryState,
    Priority,
    Resident,
    Subscription,
    utcnow,
)

EMERGENCY_TOPIC = "canh-bao"


async def enqueue_for_article(session: AsyncSession, article_id: int) -> int:
    """Queue one delivery per matching active resident; return how many were queued.

    Runs inside the caller's transaction (the one that stored the article and its tags), so an
    article is never stored without its deliveries. A resident with no subscription gets
    everything; otherwise any chosen commune or any chosen topic of the article matches.
    """
    has_any_choice = exists().where(Subscription.resident_id == Resident.id)
    commune_match = exists().where(
        Subscription.resident_id == Resident.id,
        Subscription.kind == "commune",
        Subscription.value.in_(
            select(ArticleCommune.commune).where(ArticleCommune.article_id == article_id)
        ),
    )
    topic_match = exists().where(
        Subscription.resident_id == Resident.id,
        Subscription.kind == "topic",
        Subscription.value.in_(
            select(ArticleTopic.topic).where(ArticleTopic.article_id == article_id)
        ),
    )
    is_emergency = exists().where(
        and_(ArticleTopic.article_id == article_id, ArticleTopic.topic == EMERGENCY_TOPIC)
    )
    emergency_flag = (await session.execute(select(is_emergency))).scalar_one()
    priority_value = int(Priority.EMERGENCY if emergency_flag else Priority.NEWS)
    now = utcnow()
    chosen = select(
        literal(article_id),
        Resident.id,
        Resident.channel,
        literal(priority_value),
        literal(DeliveryState.PENDING.value),
        literal(0),
        literal(now, type_=Delivery.created_at.type),
    ).where(Resident.active.is_(True), or_(~has_any_choice, commune_match, topic_match))
    result = await session.execute(
        insert(Delivery).from_select(
            [
                Delivery.article_id,
                Delivery.resident_id,
                Delivery.channel,
                Delivery.priority,
                Delivery.state,
                Delivery.attempts,
                Delivery.created_at,
            ],
            chosen,
        )
    )
    return int(result.rowcount or 0)
