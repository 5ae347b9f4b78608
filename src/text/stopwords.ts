/**
 * @module text/stopwords
 * Function words dropped from both index and query: they carry no ranking signal and would make
 * every AND query touch most of the index.
 */
export const STOPWORDS: ReadonlySet<string> = new Set([
  // Chinese
  '的', '了', '和', '是', '在', '也', '就', '都', '而', '及', '与', '或', '着', '之', '其', '这', '那', '被', '把', '让',
  '对', '从', '向', '于', '以', '为', '等', '将', '还', '又', '但', '并', '则', '即', '个', '地', '得', '呢', '吗', '吧',
  '啊', '呀', '嘛', '哦', '么', '们', '我', '你', '他', '她', '它', '我们', '你们', '他们', '她们', '它们', '这个', '那个',
  '这些', '那些', '一个', '没有', '不是', '就是', '以及', '因为', '所以', '如果', '但是', '而且', '并且', '或者', '可以',
  '已经', '进行', '通过', '对于', '关于', '之后', '之前', '以上', '以下', '其中', '这样', '那样', '如此', '一些', '一种',
  // English
  'a', 'an', 'the', 'and', 'or', 'but', 'of', 'to', 'in', 'on', 'at', 'by', 'for', 'with', 'from', 'as', 'is', 'are',
  'was', 'were', 'be', 'been', 'being', 'it', 'its', 'this', 'that', 'these', 'those', 'has', 'have', 'had', 'do',
  'does', 'did', 'not', 'no', 'so', 'if', 'than', 'then', 'there', 'their', 'they', 'them', 'we', 'our', 'you', 'your',
  'he', 'she', 'his', 'her', 'i', 'me', 'my', 'which', 'who', 'what', 'when', 'where', 'how', 'can', 'will', 'would',
  'should', 'could', 'may', 'might', 'into', 'about', 'over', 'also', 'such', 'more', 'most', 'other', 'some', 'any',
]);
