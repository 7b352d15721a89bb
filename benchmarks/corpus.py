"""Deterministic synthetic corpus: N Chinese articles with the contract's front matter.

    python benchmarks/corpus.py 10000 benchmarks/corpus-10000

Each article has 2,500-4,000 Chinese characters in paragraphs, headings, a list, a table and
links to other articles, with tags from a fixed pool, one to two of the four scenarios and
one of the 14 regions. The same N always gives byte-identical files.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("digital-life", "digital-work", "digital-learning", "digital-innovation")
REGIONS = ("沈阳市", "大连市", "鞍山市", "抚顺市", "本溪市", "丹东市", "锦州市", "营口市", "阜新市", "辽阳市", "盘锦市", "铁岭市", "朝阳市", "葫芦岛市")
GROUPS = ("农民", "妇女", "残疾人", "老年人", "学生", "退役军人")
LINES = ("publicity", "digital-economy", "digital-divide", "pilot-demonstration")
TAGS = tuple(
    "智慧农业 数据治理 人工智能 适老化 科普 网络直播 数字乡村 技能培训 数字化转型 宣传推广 智能制造 工业互联网 "
    "云计算 大数据 物联网 区块链 虚拟现实 电子商务 在线教育 智慧医疗 智慧交通 数字政务 网络安全 个人信息保护 "
    "数字文化 智慧旅游 电商直播 远程办公 数字普惠 信息无障碍 青少年 银发族 乡村振兴 产教融合 新质生产力 "
    "数字经济 智能工厂 数字化车间 工业软件 算力 5G 数据要素 数字孪生 智能客服 数字素养 网络文明 融媒体 "
    "志愿服务 社区服务 职业技能".split()
)
WORDS = (
    "数字素养 技能提升 全民共享 数智赋能 网信部门 培训课程 线上平台 志愿服务 基层社区 企业职工 乡村振兴 "
    "智能终端 公共服务 信息化 数字鸿沟 示范基地 典型经验 数据安全 创新应用 人才培养 协同推进 宣传活动 "
    "知识普及 重点群体 便民服务 产业升级 数字化转型 新型基础设施 实践案例 服务能力".split()
)
FILLER = "的 在 与 和 把 让 为 通过 围绕 持续 进一步 不断 积极 有效 广泛 深入 全面 扎实".split()


def sentence(rnd: random.Random) -> str:
    parts = [rnd.choice(WORDS) + rnd.choice(FILLER) + rnd.choice(WORDS) for _ in range(rnd.randint(3, 6))]
    return "，".join(parts) + "。"


def paragraph(rnd: random.Random, chars: int) -> str:
    out = ""
    while len(out) < chars:
        out += sentence(rnd)
    return out


def article(n: int, total: int, rnd: random.Random) -> str:
    scenarios = rnd.sample(SCENARIOS, rnd.randint(1, 2))
    tags = rnd.sample(TAGS, rnd.randint(2, 4))
    day = 1 + n % 28
    month = 1 + (n // 28) % 12
    year = 2015 + (n // 336) % 11
    links = [rnd.randrange(total) for _ in range(2)]
    target = rnd.randint(2500, 4000)
    body: list[str] = [paragraph(rnd, 200)]
    written = len(body[0])
    section = 1
    while written < target:
        body.append(f"## 第{section}部分：{rnd.choice(WORDS)}与{rnd.choice(WORDS)}")
        text = paragraph(rnd, rnd.randint(300, 500))
        body.append(text)
        written += len(text)
        if section == 1:
            body.append("\n".join(f"- {rnd.choice(WORDS)}：{sentence(rnd)}" for _ in range(4)))
        if section == 2:
            rows = "\n".join(f"| {rnd.choice(WORDS)} | {rnd.randint(10, 9999)} | {rnd.choice(WORDS)} |" for _ in range(4))
            body.append("| 指标 | 数据 | 说明 |\n| --- | --- | --- |\n" + rows)
        if section == 3:
            body.append("相关阅读：" + "、".join(f"[案例{t}](../{t // 1000:02d}/a{t:06d}.md)" for t in links) + "。")
        section += 1
    front = [
        "---",
        f"title: 第{n}号案例：{rnd.choice(WORDS)}助力{rnd.choice(WORDS)}",
        f"slug: a{n:06d}",
        f"date: {year}-{month:02d}-{day:02d}",
        f"scenarios: [{', '.join(scenarios)}]",
        f"kind: {'news' if n % 5 == 0 else 'case-study'}",
        f"line: {rnd.choice(LINES)}",
        f"region: {rnd.choice(REGIONS)}",
        f"groups: [{rnd.choice(GROUPS)}]",
        f"tags: [{', '.join(tags)}]",
        "author: 基准测试编辑部",
        "---",
    ]
    return "\n".join(front) + "\n" + "\n\n".join(body) + "\n"


def make_corpus(count: int, dest: Path, traditional: bool = False) -> Path:
    """Write a site with `count` articles into `dest` (replacing it), reusing the real site's config.

    The Traditional mirror doubles the pages; it is off unless asked for, so that the corpus is the
    same work as for the generators we compare with.
    """
    if dest.exists():
        shutil.rmtree(dest)
    content = dest / "content"
    (content / "articles").mkdir(parents=True)
    for name in ("scenarios", "pages"):
        shutil.copytree(ROOT / "content" / name, content / name)
    shutil.copy(ROOT / "content" / "campaign.yml", content / "campaign.yml")
    site_yml = (ROOT / "content" / "site.yml").read_text(encoding="utf-8")
    if not traditional:
        site_yml = re.sub(r"^traditional:\n(?:[ \t]+.*\n)*", "", site_yml, flags=re.MULTILINE)
    (content / "site.yml").write_text(site_yml + f"theme: {ROOT}\n", encoding="utf-8")
    # Scenario intros and the about page link to real articles that do not exist here.
    for md in [*(content / "scenarios").glob("*.md"), *(content / "pages").glob("*.md")]:
        text = md.read_text(encoding="utf-8")
        md.write_text(re.sub(r"\[([^\]]+)\]\([^)]*\.md\)", r"\1", text), encoding="utf-8")
    rnd = random.Random(2025)
    for n in range(count):
        folder = content / "articles" / f"{n // 1000:02d}"
        folder.mkdir(exist_ok=True)
        (folder / f"a{n:06d}.md").write_text(article(n, count, rnd), encoding="utf-8")
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--traditional", action="store_true", help="keep the /zh-hant/ mirror of the real site's settings")
    args = parser.parse_args()
    make_corpus(args.count, args.dest, args.traditional)


if __name__ == "__main__":
    main()
