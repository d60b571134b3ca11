export default function MarketPage() {
  return <p>Market: in progress</p>;
}
