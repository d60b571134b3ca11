export default function PositionsPage() {
  return <p>Positions: in progress</p>;
}
