"""Small typed factories for the handbook's structure (shared by the playbook tests)."""

from __future__ import annotations

from itertools import count

from playbook.models import Chapter, Entry, Part, Section, Topic

_numbers = count(1)


def make_section(
    title: str = "一、寻找和选择客户", *, part: str = "市场营销篇", chapter: str = "建立客户关系"
) -> Section:
    part_obj, _ = Part.objects.get_or_create(name=part)
    chapter_obj, _ = Chapter.objects.get_or_create(part=part_obj, title=chapter)
    numeral, _, name = title.partition("、") if "、" in title else ("", "", title)
    section, _ = Section.objects.get_or_create(
        chapter=chapter_obj,
        title=name,
        defaults={"numeral": numeral, "order": Section.objects.filter(chapter=chapter_obj).count()},
    )
    return section


def make_entry(
    question: str = "怎样寻找客户？",
    answer: str = "答：从熟悉的行业和商圈开始。",
    *,
    section: Section | None = None,
    number: int | None = None,
    topics: list[str] = (),
) -> Entry:
    section = section or make_section()
    entry = Entry.objects.create(
        section=section,
        part=section.chapter.part,
        number=number if number is not None else next(_numbers),
        question=question,
        answer=answer,
    )
    for slug in topics:
        topic, _ = Topic.objects.get_or_create(slug=slug, defaults={"name": slug})
        entry.topics.add(topic)
    return entry


def make_entries(n: int, *, section: Section | None = None) -> list[Entry]:
    section = section or make_section()
    return [make_entry(f"第{i}个问题？", f"第{i}个回答。", section=section) for i in range(n)]
