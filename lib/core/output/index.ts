export { formatPrintBlock, formatSparkValue } from './spark-format';
