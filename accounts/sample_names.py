"""Chinese names, places and shop words for generated data (benchmarks, volume data).

Plain lists, importable without Django (the import benchmark builds its files
before Django starts).
"""

from __future__ import annotations

PLACES = [
    "城南",
    "江东",
    "滨江",
    "华丰",
    "永和",
    "金桥",
    "东风",
    "新民",
    "长乐",
    "龙湖",
    "望江",
    "荷花",
]
WORDS = [
    "鑫源",
    "宏达",
    "永盛",
    "恒通",
    "福满",
    "瑞丰",
    "金利",
    "兴旺",
    "顺发",
    "和美",
    "佳惠",
    "东升",
    "嘉禾",
    "万家",
    "百川",
    "天成",
    "聚宝",
    "华美",
    "盛世",
    "利民",
]
SUFFIXES = ["商行", "经营部", "批发部", "有限公司", "店", "贸易有限公司"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀英",
    "建华",
    "国强",
    "海燕",
    "志明",
]
ROLES = ["老板", "店长", "财务", "经理", "法人"]
