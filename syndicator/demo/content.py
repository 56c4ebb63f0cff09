"""Article texts of the replica portal.

Paragraphs are written in the register of provincial science-and-technology news, so the
extractor meets real sentence punctuation (，。；“”) and real label-free prose. Several
names use characters that exist in GBK but not in GB2312 (镕, 堃, 喆, 旻): a page declared
gb2312 that contains them is the trap the decoder must survive.
"""

from __future__ import annotations

import random

SEED_TITLE = "浙江:全省科技系统“创新深化 实干争先”动员部署会召开"
SEED_SOURCE = "浙江省科技厅"

# The article of the one real page we hold, shortened; it is split over two parts.
SEED_PARAGRAPHS: tuple[str, ...] = (
    "2月10日，全省科技系统“创新深化 实干争先”动员部署会召开，传达学习贯彻浙江省委“新春第一会”"
    "精神，狠抓年度目标任务落实，进一步营造创新深化、实干争先的浓厚干事氛围。会议以视频形式召开，"
    "各设区市设分会场。",
    "会议强调，全省科技系统要认真学习、深刻领会，牢牢把握“创新深化”的重大意义和丰富内涵。在工作"
    "方法上要强化目标导向，强化系统观念和改革思维，强化成果导向；在实现路径上要加快重大科创平台涌现"
    "成果，加快企业创新主体扩面提能，加快全域创新能级跨越提升。",
    "会议对学风作风建设提出具体要求。要“能学善研”，大兴学习之风，练好调研之功，做到与各类创新主体"
    "面对面“零距离”；要“能谋善创”，深谋发展之策，提升创新之力；要“能干善廉”，增强实干之效，恪守"
    "清廉之责。",
    "会议就深入实施“315”科技创新体系建设工程提出具体要求：统一思想，深刻领会工程的重大意义；深入"
    "学习，准确把握工程的目标任务；压实责任，全力抓好工程的落地见效，明确时间表、路线图、责任人。",
    "会议表彰了厅系统优秀处室、厅属单位、公务员和五星级党组织，5位先进代表作交流发言。（通讯员 "
    "王堃 李喆）",
)

PARAGRAPHS: tuple[str, ...] = (
    "近日，{region}科技厅召开全省科技创新大会，总结过去一年科技工作成效，部署今年重点任务。会议提出，"
    "要以科技创新引领现代化产业体系建设，加快打造高水平创新型省份。",
    "据介绍，过去一年{region}全社会研发经费投入同比增长12.3%，研发投入强度达到2.6%；高新技术企业"
    "数量突破3.5万家，科技型中小企业评价入库数量位居全国前列。",
    "会议强调，要聚焦集成电路、生物医药、新材料等重点领域，实施一批重大科技攻关项目，着力突破一批"
    "“卡脖子”关键核心技术，推动创新链产业链资金链人才链深度融合。",
    "“企业是科技创新的主体，也是成果转化的主阵地。”{person}表示，下一步将持续完善科技成果转化"
    "激励机制，支持企业牵头组建创新联合体，让更多成果走出实验室、走向生产线。",
    "在实验室建设方面，{region}新布局建设省实验室3家、省技术创新中心5家，重大科研基础设施集群初步"
    "成形，为承接国家重大科技任务提供了有力支撑。",
    "活动现场，20余家高校院所与企业签订技术合作协议，合同金额超过8亿元。参会企业代表认为，这种"
    "“出题—答题—阅卷”的对接方式，让技术需求与科研供给更加精准匹配。",
    "据悉，该项目由{person}团队牵头，联合多家单位历时五年攻关，成功研制出具有自主知识产权的高精度"
    "传感器芯片，关键指标达到国际先进水平，已在智能制造领域实现批量应用。",
    "专家组认为，该成果在理论方法和工程应用上均有创新，对提升我国相关产业的核心竞争力具有重要意义。"
    "目前，团队已申请发明专利26项，其中授权14项。",
    "在人才引育方面，{region}实施青年科学家培养计划，今年将遴选支持100名35周岁以下青年科技人才"
    "独立承担科研项目，给予稳定支持，赋予更大技术路线决定权。",
    "科技特派员制度推行以来，{region}累计选派科技特派员1.2万余人次，服务农业经营主体3万余家，"
    "推广新品种、新技术2000余项，有力助推了乡村振兴。",
    "与会代表围绕人工智能、量子信息、生命健康等前沿领域展开交流。大家一致认为，要坚持“四个面向”，"
    "加强基础研究和原始创新，夯实科技自立自强的根基。",
    "为优化创新生态，{region}出台深化科技体制改革若干措施，在科研经费“包干制”、项目评审“揭榜挂帅”、"
    "成果评价“多元化”等方面推出一批突破性举措。",
    "据统计，今年一季度{region}技术合同成交额同比增长35.8%，其中企业作为买方的合同占比超过七成，"
    "科技成果就地转化率稳步提高。",
    "{person}在调研时指出，要把科技创新摆在更加突出的位置，持续加大研发投入，引导各类创新要素向企业"
    "集聚，努力在新一轮科技革命和产业变革中赢得主动。",
    "该平台自运行以来，已为区域内600余家中小企业提供检验检测、中试熟化、技术咨询等服务，帮助企业"
    "解决技术难题300余项，节约研发成本近亿元。",
    "记者了解到，首批入选的30个项目涵盖新一代信息技术、高端装备、绿色低碳等领域，预计带动社会投资"
    "超过50亿元，将形成一批具有示范意义的应用场景。",
    "下一步，{region}将围绕建设具有全国影响力的科技创新中心目标，进一步强化战略科技力量，优化区域"
    "创新布局，全面提升科技治理能力。",
    "会上还发布了年度十大科技进展，内容包括新型储能材料、智能网联汽车、海洋观测装备等，集中展示了"
    "{region}科技工作者的创新成果。",
    "“我们将把论坛成果转化为推动发展的具体行动。”{person}说，将以更加开放的姿态汇聚全球创新资源，"
    "深度融入全球创新网络。",
    "多年来，{person}扎根科研一线，先后主持国家重点研发计划项目3项，获国家科技进步二等奖1项，"
    "培养研究生40余名，被同行称为“把论文写在大地上”的科学家。",
)

# Closing lines keep a GBK-only character near the end of the body on purpose.
BYLINES: tuple[str, ...] = (
    "（记者 陈喆 通讯员 王旻）",
    "（通讯员 刘堃）",
    "（记者 张晓镕）",
)

TOPICS: tuple[str, ...] = (
    "召开全省科技创新大会",
    "发布科技成果转化新政",
    "新增一批省级重点实验室",
    "科技特派员助力乡村振兴",
    "启动青年科学家培养计划",
    "高新技术企业数量再创新高",
    "技术合同成交额大幅增长",
    "举办产学研合作对接会",
    "重大科技专项取得新突破",
    "深化科技体制改革",
    "建设科技创新服务平台",
    "发布年度十大科技进展",
)

REGIONS: tuple[str, ...] = (
    "浙江",
    "江苏",
    "广东",
    "山东",
    "四川",
    "湖北",
    "安徽",
    "福建",
    "陕西",
    "辽宁",
)

PEOPLE: tuple[str, ...] = (
    "王建国",
    "李晓燕",
    "张伟",
    "刘芳",
    "陈志强",
    "赵丽",
    "孙喆",
    "周旻",
    "吴宏堃",
    "郑国镕",
)

SOURCES: tuple[str, ...] = (
    "浙江省科技厅",
    "科技日报",
    "江苏省科学技术厅",
    "中国科技网",
    "新华网",
    "人民网",
    "本站原创",
)

# Escaping test: '&', '<' and an emoji (outside GBK, so it travels as &#128640;).
TRICKY_TITLE = "“科创中国”R&D新高地：<智能+>制造加速起飞🚀"

PERSON_TITLES: tuple[str, ...] = (
    "{person}：扎根一线三十年的“芯片守望者”",
    "记{person}：让科研成果走进千家万户",
    "{person}：从实验室到生产线的追梦人",
    "访{person}：基础研究要“坐得住冷板凳”",
)


def make_title(rng: random.Random, *, people: bool = False) -> str:
    if people:
        return rng.choice(PERSON_TITLES).format(person=rng.choice(PEOPLE))
    region = rng.choice(REGIONS)
    topic = rng.choice(TOPICS)
    if rng.random() < 0.3:
        return f"{region}:{topic}"
    return f"{region}{topic}，{rng.choice(('助力高质量发展', '推动创新驱动', '打造创新高地'))}"


def make_paragraphs(
    rng: random.Random, *, count: int | None = None, byline: bool | None = None
) -> tuple[str, ...]:
    """A deterministic selection of distinct base paragraphs, filled in for one article."""
    region = rng.choice(REGIONS)
    person = rng.choice(PEOPLE)
    n = count if count is not None else rng.randint(3, 6)
    chosen = rng.sample(PARAGRAPHS, n)
    paragraphs = [p.format(region=region, person=person) for p in chosen]
    if byline if byline is not None else rng.random() < 0.5:
        paragraphs[-1] += rng.choice(BYLINES)
    return tuple(paragraphs)


def split_body(body: str) -> tuple[str, ...]:
    """Paragraphs of a body given as text: one per non-blank line, indents removed."""
    lines = (line.strip().strip("\u3000") for line in body.splitlines())
    return tuple(line for line in lines if line)
